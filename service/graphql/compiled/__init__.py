"""Queries compiled to one SQL statement that builds the answer's JSON in PostgreSQL.

The executor (graphql-core + Strawberry) spends 16-25 µs of Python per resolved field; a
page of 20 warnings with their citations is 400 fields. For the documents it can, this
package writes one statement instead (LATERAL subqueries and json_agg over the same named
queries, orderings and keyset windows the resolvers use), so Python only parses, validates
and checks limits. Anything it does not know (a field without a mapping, a filter
argument, an abstract type) leaves the whole operation to the executor, which answers it
exactly as before: the compiled path is a faster route to the same answer, never a
different one (tests/api/test_compiled_queries.py compares the two).
"""
