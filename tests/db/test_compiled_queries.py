"""Queries compiled to one SQL statement answer exactly what the executor answers.

Two schemas over one database (the bundled seed record plus a small generated record):
the service's, and the same with COMPILED_QUERIES=false. Every query of graphql/operations
and bench/operations, and for every object type a query selecting every field the compiler
has SQL for (nested lists with cursors, page info and counts, paged forwards and
backwards), must give the same JSON on both, and the compiled one must take one SQL
statement. Where the compiler has no SQL (a filter, an abstract type, a bad page size),
the executor answers, the same as with compilation off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    is_abstract_type,
    parse,
)
from graphql.execution import Executor

from bench.gen.load import generate
from bench.gen.scale import SCALES
from service.database.pool import create_pool, init_connection
from service.graphql.compiled.catalog import SchemaCatalog, has_field_extensions
from service.graphql.compiled.compiler import CompiledStatement, NotCompilable, compile_operation
from service.graphql.compiled.extension import QueryCompiler, failed_at_roots
from service.graphql.compiled.objects import OBJECTS
from service.graphql.context import Context
from service.graphql.loaders import Loaders
from service.graphql.schema import build_schema
from service.kinds.registry import BY_KIND
from service.resources import data_dir
from service.seeds import load_seeds
from service.settings import Settings, load_settings
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import ROOT

pytestmark = [pytest.mark.db]

# Limits wide enough for the every-field documents below (thousands of tokens, aliases,
# fields).
_WIDE = {"ENVIRONMENT": "test", "MAX_ALIASES": "1000", "MAX_QUERY_TOKENS": "50000",
         "MAX_QUERY_FIELDS": "5000"}  # fmt: skip
SETTINGS = load_settings(_WIDE)
EXECUTOR_ONLY = load_settings({**_WIDE, "COMPILED_QUERIES": "false"})
COMPILED = build_schema(SETTINGS)
EXECUTED = build_schema(EXECUTOR_ONLY)
CATALOG = SchemaCatalog(COMPILED)
PAGE_SIZES = (SETTINGS.default_page_size, SETTINGS.max_page_size)


@pytest.fixture(scope="module")
async def pool(pg_dsn: str, template_db: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a database holding the seed record and a small generated one."""
    name = await clone_database(pg_dsn, template_db)
    url = with_database(pg_dsn, name)
    conn = await asyncpg.connect(url)
    try:
        await init_connection(conn)
        await generate(conn, SCALES["small"], seed=7, progress=False)  # wants no records yet
        await load_seeds(conn, [data_dir("seeds")])
        await conn.execute("analyze")
    finally:
        await conn.close()
    pool = await create_pool(SETTINGS, url)
    yield pool
    await pool.close()
    await drop_database(pg_dsn, name)


async def run(
    schema: Any, pool: asyncpg.Pool, settings: Settings, document: str, variables: Any = None
) -> tuple[Any, list[str], int]:
    """data, error messages and SQL statements of one operation."""
    context = Context(pool=pool, settings=settings, loaders=Loaders(pool))
    result = await schema.execute(document, variable_values=variables, context_value=context)
    trips = (result.extensions or {})["sqlRoundTrips"]  # ENVIRONMENT=test reports them
    data = result.data
    if isinstance(data, msgspec.Raw):  # a compiled answer: PostgreSQL's JSON, as it is
        data = msgspec.json.decode(data)
    return data, [e.message for e in result.errors or []], trips


def compiles(document: str, variables: dict[str, Any] | None = None) -> bool:
    """Whether the compiler has SQL for every part of the operation."""
    executor = Executor.build(COMPILED._schema, parse(document), raw_variable_values=variables)
    if isinstance(executor, list):
        return False  # the variables are wrong: the executor reports it
    try:
        compile_operation(
            COMPILED._schema,
            CATALOG,
            executor.fragments,
            executor.operation,
            executor.variable_values,
            PAGE_SIZES,
        )
    except NotCompilable:
        return False
    return True


async def assert_same(
    pool: asyncpg.Pool, document: str, variables: Any = None, *, compiled: bool
) -> Any:
    """Both schemas give the same data and errors; the compiled one in one statement."""
    assert compiles(document, variables) is compiled
    data, errors, trips = await run(COMPILED, pool, SETTINGS, document, variables)
    expected = await run(EXECUTED, pool, EXECUTOR_ONLY, document, variables)
    assert errors == expected[1]
    assert_json_equal(data, expected[0])
    if compiled:
        assert trips == 1, trips
    return data


def assert_json_equal(got: Any, expected: Any, path: str = "data") -> None:
    """Equal, or fail naming the first path where the two answers differ."""
    if isinstance(expected, dict) and isinstance(got, dict):
        assert list(got) == list(expected), f"{path}: keys {list(got)} != {list(expected)}"
        for key in expected:
            assert_json_equal(got[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(got, list):
        assert len(got) == len(expected), f"{path}: {len(got)} items != {len(expected)}"
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_json_equal(a, b, f"{path}[{i}]")
    else:
        assert got == expected, f"{path}: {got!r} != {expected!r}"


def _queries(folder: Path) -> list[Path]:
    paths = []
    for path in sorted(folder.glob("*.graphql")):
        definitions = parse(path.read_text()).definitions
        if any(
            isinstance(d, OperationDefinitionNode) and d.operation is OperationType.QUERY
            for d in definitions
        ):
            paths.append(path)
    return paths


BENCH = _queries(ROOT / "bench" / "operations")
BENCH_COMPILED = {p.stem for p in BENCH}  # every read of the benchmark


@pytest.mark.parametrize("path", BENCH, ids=lambda p: p.stem)
async def test_benchmark_queries_answer_the_same(pool: asyncpg.Pool, path: Path) -> None:
    # The generated record's slugs are the benchmark's defaults: real rows, not nulls.
    data = await assert_same(pool, path.read_text(), compiled=path.stem in BENCH_COMPILED)
    assert data
    assert all(value is not None for value in data.values())


@pytest.mark.parametrize("path", _queries(ROOT / "graphql" / "operations"), ids=lambda p: p.stem)
async def test_documented_queries_answer_the_same(pool: asyncpg.Pool, path: Path) -> None:
    document = path.read_text()
    await assert_same(pool, document, compiled=compiles(document))


# -- every field the compiler knows, through every object type -----------------------------

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }"


def selection(
    type_: GraphQLObjectType, depth: int, page: str = "(first: 3)", aliased: bool = False
) -> str:
    """Every compiled field of `type_`; objects and lists below it while depth lasts.

    Args:
        aliased: name each field `<Type>_<field>` (the branches of an abstract type's
            selection, whose same-named fields may have different types).
    """
    parts = ["__typename"]
    for name, field in type_.fields.items():
        if CATALOG.field(type_.name, name) is None:
            continue
        key = f"{type_.name}_{name}: {name}" if aliased else name
        named = get_named_type(field.type)
        if is_abstract_type(named):
            if depth > 0:
                possible = COMPILED._schema.get_possible_types(named)
                inline = " ".join(
                    f"... on {t.name} {{ {selection(t, depth - 1, page, aliased=True)} }}"
                    for t in sorted(possible, key=lambda t: t.name)
                    if t.name in OBJECTS
                )
                parts.append(f"{key} {{ __typename {inline} }}")
        elif not isinstance(named, GraphQLObjectType):
            parts.append(key)
        elif named.name == "FuzzyDate":
            parts.append(f"{key} {{ value precision start __typename }}")
        elif "pageInfo" in named.fields:
            if depth > 0:
                node = get_named_type(named.fields["nodes"].type)
                assert isinstance(node, GraphQLObjectType)
                inner = selection(node, depth - 1)
                parts.append(
                    f"{key}{page} {{ totalCount {PAGE_INFO} nodes {{ {inner} }} "
                    f"edges {{ cursor node {{ __typename }} }} }}"
                )
        elif depth > 0:
            parts.append(f"{key} {{ {selection(named, depth - 1)} }}")
    return " ".join(parts)


def _object(name: str) -> GraphQLObjectType:
    type_ = COMPILED._schema.type_map[name]
    assert isinstance(type_, GraphQLObjectType)
    return type_


def _root_field(name: str) -> GraphQLField:
    query_type = COMPILED._schema.query_type
    assert query_type is not None
    field: GraphQLField = query_type.fields[name]
    return field


SLUG_ROOTS = {
    name: get_named_type(_root_field(name).type).name
    for name in CATALOG.root_names
    if "slug" in _root_field(name).args
}
LIST_ROOTS = sorted(set(CATALOG.root_names) - set(SLUG_ROOTS))
REQUIRED = {"search": 'text: "security guarantees", '}  # the arguments lists must have
# Each type's table, from its kind's description (a new kind needs no entry here).
TABLES = {name: BY_KIND[objects.kind].name for name, objects in OBJECTS.items() if objects.kind}


def test_every_object_type_of_the_catalog_is_reached() -> None:
    """The field-by-field tests below reach every type the catalog knows."""
    query_type = COMPILED._schema.query_type
    assert query_type is not None
    reached: set[str] = set()
    todo = [get_named_type(query_type.fields[name].type).name for name in CATALOG.root_names]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        named = COMPILED._schema.type_map[name]
        if is_abstract_type(named):
            todo += [t.name for t in COMPILED._schema.get_possible_types(named)]
        elif isinstance(named, GraphQLObjectType):
            todo += [get_named_type(f.type).name for f in named.fields.values()]
    assert set(OBJECTS) <= reached


@pytest.mark.parametrize("root", sorted(SLUG_ROOTS))
async def test_every_field_below_a_lookup(pool: asyncpg.Pool, root: str) -> None:
    type_name = SLUG_ROOTS[root]
    # The record with the most citations of its kind: lists with more than a page.
    slug = await pool.fetchval(
        f"select t.slug from {TABLES[type_name]} t "
        "left join citation c on c.subject_id = t.id group by t.id order by count(c.id) desc, "
        "t.id limit 1"
    )
    document = (
        f"query($slug: String!) {{ {root}(slug: $slug) {{ {selection(_object(type_name), 2)} }} }}"
    )
    data = await assert_same(pool, document, {"slug": slug}, compiled=True)
    assert data[root] is not None
    missing = await assert_same(pool, document, {"slug": "no-such-slug"}, compiled=True)
    assert missing == {root: None}


@pytest.mark.parametrize("root", LIST_ROOTS)
async def test_every_field_of_a_list_paged_both_ways(pool: asyncpg.Pool, root: str) -> None:
    connection = get_named_type(_root_field(root).type)
    assert isinstance(connection, GraphQLObjectType)
    node = get_named_type(connection.fields["nodes"].type)
    assert isinstance(node, GraphQLObjectType)
    fields = selection(node, 1, page="(first: 2)")
    document = (
        f"query($first: Int, $after: String, $last: Int, $before: String) {{ "
        f"{root}({REQUIRED.get(root, '')}first: $first, after: $after, last: $last, "
        f"before: $before) {{ "
        f"totalCount {PAGE_INFO} edges {{ cursor node {{ {fields} }} }} "
        "nodes { __typename } } }"
    )
    # Search ranks are floats, whose cursors the compiler leaves to the executor.
    compiled = root != "search"
    first = await assert_same(pool, document, {"first": 3}, compiled=compiled)
    end = first[root]["pageInfo"]["endCursor"]
    second = await assert_same(pool, document, {"first": 3, "after": end}, compiled=compiled)
    start = second[root]["pageInfo"]["startCursor"]
    back = await assert_same(pool, document, {"last": 2, "before": start}, compiled=compiled)
    assert [e["cursor"] for e in back[root]["edges"]] == [
        e["cursor"] for e in first[root]["edges"][1:]
    ]
    await assert_same(pool, document, {"last": 4}, compiled=compiled)
    await assert_same(pool, document, {"first": 0}, compiled=compiled)


@pytest.mark.parametrize("root", [r for r in LIST_ROOTS if r != "search"])
async def test_every_list_without_page_info_paged_both_ways(pool: asyncpg.Pool, root: str) -> None:
    # Without pageInfo a page is read as shown: no row past it, no row numbers.
    document = (
        f"query($first: Int, $after: String, $last: Int, $before: String) {{ "
        f"{root}(first: $first, after: $after, last: $last, before: $before) {{ "
        "edges { cursor } nodes { __typename } } }"
    )
    first = await assert_same(pool, document, {"first": 3}, compiled=True)
    cursors = [e["cursor"] for e in first[root]["edges"]]
    await assert_same(pool, document, {"last": 4}, compiled=True)
    await assert_same(pool, document, {"first": 0}, compiled=True)
    if len(cursors) == 3:
        after = await assert_same(pool, document, {"first": 2, "after": cursors[0]}, compiled=True)
        assert [e["cursor"] for e in after[root]["edges"]] == cursors[1:]
        before = await assert_same(pool, document, {"last": 2, "before": cursors[2]}, compiled=True)
        assert [e["cursor"] for e in before[root]["edges"]] == cursors[:2]


async def test_nested_lists_without_page_info_paged_backwards(pool: asyncpg.Pool) -> None:
    document = """{ actors(first: 3) { nodes { name
        statements(last: 2) { nodes { slug citations(last: 1) { nodes { quote } } } }
        stances(last: 2) { edges { cursor node { position } } } } } }"""
    await assert_same(pool, document, compiled=True)


async def test_fragments_aliases_and_directives_mean_the_same(pool: asyncpg.Pool) -> None:
    document = """
    query($withCitations: Boolean!) {
      newest: warnings(first: 2) { nodes { ...W issuer { n: name } } }
      oldest: statements(orderBy: SAID_ASC, last: 2) {
        nodes { slug said { value } ... on Statement { said { precision } } }
        edges { cursor }
      }
    }
    fragment W on Warning {
      slug
      id
      citations(first: 1) @include(if: $withCitations) { totalCount nodes { quote } }
      issuer { slug }
    }
    """
    for flag in (True, False):
        await assert_same(pool, document, {"withCitations": flag}, compiled=True)


@pytest.mark.parametrize(
    "document",
    [
        # a filter naming an id that is not one: the executor's error
        '{ warnings(filter: {issuerIds: ["nonsense"]}, first: 2) { nodes { slug } } }',
        # a search for nothing: the resolver's error
        '{ search(text: "  ") { nodes { rank } } }',
        # a list per parent whose parent column is computed (one query for all parents)
        "{ declarations(first: 2) { nodes { warnings { nodes { slug } } } } }",
        # an abstract type under a compiled field
        "{ statements(first: 2) { nodes { slug about { id } } } }",
        # a page size over the limit: the executor's error
        "{ actors(first: 100000) { nodes { slug } } }",
        # a cursor that is not one
        '{ actors(first: 2, after: "nonsense") { nodes { slug } } }',
        # a field without SQL (history)
        "{ actors(first: 1) { nodes { history { nodes { operation } } } } }",
    ],
)
async def test_what_the_compiler_leaves_to_the_executor(pool: asyncpg.Pool, document: str) -> None:
    await assert_same(pool, document, compiled=False)


FILTERED = [
    '{ warnings(filter: {text: "sanctions"}, first: 5) { nodes { slug condition } } }',
    '{ statements(filter: {channels: [TELEGRAM, X], saidFrom: "2025-06-01T00:00:00Z"}, '
    "orderBy: SAID_ASC, first: 5) { totalCount nodes { slug channel said { value } } } }",
    "{ actors(filter: {kinds: [STATE]}, orderBy: NAME_DESC, first: 5) { nodes { name } } }",
    "{ declarations(filter: {statuses: [SIGNED, IN_FORCE]}, orderBy: TITLE_ASC) "
    "{ totalCount nodes { title status "
    "provisions(topics: [SECURITY_GUARANTEE, MULTINATIONAL_FORCE]) { nodes { topic } } } } }",
    "{ timeline(filter: {kinds: [WARNING, ADOPTION]}, orderBy: OLDEST_FIRST, first: 6) "
    "{ nodes { kind at item { __typename ... on Adoption { place adopted { value } } "
    "... on Warning { slug } } } } }",
    '{ search(text: "security guarantees", kinds: [STATEMENT, DECLARATION], first: 5) '
    "{ nodes { kind rank excerpt node { id ... on Declaration { title } } } } }",
    "{ trackUpdates(statuses: [NEGOTIATING, TEXT_READY], first: 4) { nodes { status } } }",
    '{ tracks(filter: {text: "ceasefire"}) { nodes { name updates(statuses: [PROGRESS_REPORTED]) '
    "{ totalCount } } } }",
]


@pytest.mark.parametrize("document", FILTERED)
async def test_filters_and_orderings_compile_and_answer_the_same(
    pool: asyncpg.Pool, document: str
) -> None:
    await assert_same(pool, document, compiled=True)


async def test_a_filter_by_global_ids_compiles(pool: asyncpg.Pool) -> None:
    slug_and_id = await pool.fetchrow("select slug, id from actor order by id limit 1")
    issuer = await run(
        EXECUTED,
        pool,
        EXECUTOR_ONLY,
        '{ actor(slug: "%s") { id } }' % slug_and_id["slug"],  # noqa: UP031
    )
    document = "query($ids: [ID!]) { warnings(filter: {issuerIds: $ids}) { nodes { slug } } }"
    await assert_same(pool, document, {"ids": [issuer[0]["actor"]["id"]]}, compiled=True)


async def test_compilation_off_leaves_everything_to_the_executor(pool: asyncpg.Pool) -> None:
    document = "{ warnings(first: 2) { nodes { slug issuer { name } } } }"
    compiled = await run(COMPILED, pool, SETTINGS, document)
    executed = await run(EXECUTED, pool, EXECUTOR_ONLY, document)
    assert compiled[:2] == executed[:2]
    assert (compiled[2], executed[2]) == (1, 2)


def test_statements_are_kept_per_document_operation_and_variables() -> None:
    compiler = QueryCompiler(CATALOG, PAGE_SIZES, entries=2)
    text = "query Page($first: Int) { warnings(first: $first) { nodes { slug } } }"
    document = parse(text)
    two = compiler.statement(document, text, "Page", {"first": 2})
    assert two is not None
    assert compiler.statement(document, text, "Page", {"first": 2}) is two
    three = compiler.statement(document, text, "Page", {"first": 3})
    assert three is not None
    assert three.sql != two.sql  # the page size is part of the statement
    # Room for two: the next one pushes out the one used once, not the one repeated.
    compiler.statement(document, text, "Page", {"first": 4})
    assert compiler.statement(document, text, "Page", {"first": 2}) is two
    again = compiler.statement(document, text, "Page", {"first": 3})
    assert again == three
    assert again is not three


def test_what_cannot_be_compiled_is_remembered_as_such() -> None:
    compiler = QueryCompiler(CATALOG, PAGE_SIZES)
    text = "{ changes(first: 2) { nodes { id } } }"
    assert compiler.statement(parse(text), text, None, None) is None
    assert list(compiler.statements.values()) == [None]


def test_a_timed_out_statement_fails_at_each_root_as_the_executor_would() -> None:
    cancelled = asyncpg.QueryCanceledError("canceling statement due to statement timeout")
    nullable = CompiledStatement("select 1", [], (("a", True), ("b", True)))
    result = failed_at_roots(nullable, cancelled)
    assert result.data == {"a": None, "b": None}
    assert [e.path for e in result.errors or []] == [["a"], ["b"]]
    assert all(e.original_error is cancelled for e in result.errors or [])
    with_non_null = CompiledStatement("select 1", [], (("a", True), ("list", False)))
    assert failed_at_roots(with_non_null, cancelled).data is None


def test_fields_with_extensions_are_left_to_the_executor() -> None:
    # A permission (an extension) would be skipped by SQL: such fields are never compiled.
    schema = COMPILED._schema
    assert schema.mutation_type is not None
    assert schema.query_type is not None
    assert has_field_extensions(schema.mutation_type.fields["createActor"])
    assert has_field_extensions(schema.query_type.fields["tokens"])
    for type_name in OBJECTS:
        for name, field in _object(type_name).fields.items():
            if CATALOG.field(type_name, name) is not None:
                assert not has_field_extensions(field), f"{type_name}.{name}"
