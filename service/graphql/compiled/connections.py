"""Relay connections in SQL: one page of a list query (limit + 1 rows, numbered in reading
order), aggregated into the connection's JSON (nodes, edges, pageInfo, totalCount)."""

from __future__ import annotations

from graphql import GraphQLField
from graphql.execution.collect_fields import FieldDetails

from service.database.named_queries import query
from service.errors import Invalid
from service.graphql.compiled import sql_json
from service.graphql.compiled.compiler import Compilation, NotCompilable, object_type
from service.graphql.connection import ListRead
from service.record.keyset import keyset_window
from service.record.paging import PageRequest, union_branches


def connection(
    c: Compilation,
    fields: list[FieldDetails],
    field: GraphQLField,
    read: ListRead,
    page: PageRequest,
    parent: str | None = None,
) -> str:
    """A Relay connection over a list query: one page read with limit + 1 rows, exactly
    as paging.fetch_page, fetch_union_page and fetch_pages_by_parent read it.

    Args:
        parent: `t.<parent column> = <parent alias>.id` for a list under a parent.
    """
    try:
        limit = page.limit(*c.page_sizes)
        conditions, extra, backwards = keyset_window(read.order, page, len(c.params))
    except Invalid as error:
        raise NotCompilable(f"paging: {error.message}") from None
    c.params.extend(extra)
    rows = c.alias()
    connection_type = object_type(field)
    node_type = object_type(connection_type.fields["nodes"])
    edge_type = object_type(connection_type.fields["edges"])
    info_type = object_type(connection_type.fields["pageInfo"])
    selected = c.subfields(connection_type, fields)
    # Only pageInfo needs the row past the page and the rows' numbers; without it the
    # page is read as it is shown (no window function, no filter), ordered as read.
    numbered = any(f[0].node.name.value == "pageInfo" for f in selected.values())
    window = [c for c in (parent, *conditions) if c]
    page_sql = _page(c, read, window, backwards, limit + 1 if numbered else limit, numbered)
    in_page = f"filter (where {rows}._n <= {limit})"
    forward, reverse = ("desc", "asc") if backwards else ("asc", "desc")
    more = f"(count(*) > {limit})"

    def agg(expr: str) -> str:
        if not numbered:
            reading = read.order.sql(prefix=f"{rows}.")
            return f"coalesce(json_agg({expr} order by {reading}), '[]')"
        return f"coalesce(json_agg({expr} order by {rows}._n {forward}) {in_page}, '[]')"

    def cursor() -> str:
        try:
            return sql_json.cursor(read.order, rows)
        except ValueError as error:
            raise NotCompilable(str(error)) from None

    def cursor_at(direction: str) -> str:
        return f"(array_agg({cursor()} order by {rows}._n {direction}) {in_page})[1]"

    pairs: list[tuple[str, str]] = []
    for key, key_fields in selected.items():
        name = key_fields[0].node.name.value
        if name == "__typename":
            pairs.append((key, sql_json.quote_literal(connection_type.name)))
        elif name == "nodes":
            pairs.append((key, agg(c.object(node_type, rows, key_fields))))
        elif name == "edges":
            edge: list[tuple[str, str]] = []
            for edge_key, edge_fields in c.subfields(edge_type, key_fields).items():
                edge_name = edge_fields[0].node.name.value
                if edge_name == "__typename":
                    edge.append((edge_key, sql_json.quote_literal(edge_type.name)))
                elif edge_name == "cursor":
                    edge.append((edge_key, cursor()))
                else:
                    edge.append((edge_key, c.object(node_type, rows, edge_fields)))
            pairs.append((key, agg(c.json_object(edge))))
        elif name == "pageInfo":
            has_next = "true" if page.before is not None else "false"
            has_previous = "true" if page.after is not None else "false"
            if backwards:
                has_previous = more
            else:
                has_next = more
            values = {
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "__typename": sql_json.quote_literal(info_type.name),
            }
            info = []
            for info_key, info_fields in c.subfields(info_type, key_fields).items():
                info_name = info_fields[0].node.name.value
                if info_name in values:
                    info.append((info_key, values[info_name]))
                else:  # a cursor, only built when asked for (there may be no form)
                    direction = forward if info_name == "startCursor" else reverse
                    info.append((info_key, cursor_at(direction)))
            pairs.append((key, c.json_object(info)))
        elif name == "totalCount":
            where = parent or "true"
            count = f"(select count(*) from ({_bind_read(c, read)}) as t where {where})"
            pairs.append((key, count))
        else:
            raise NotCompilable(f"{connection_type.name}.{name}")
    # group by (): one row even when no aggregate is selected (only totalCount).
    return f"(select {c.json_object(pairs)} from ({page_sql}) as {rows} group by ())"


def _bind_read(c: Compilation, read: ListRead) -> str:
    """The list query of a read, its parameters bound."""
    return c.bind(read.query.sql, read.bound)


def _page(
    c: Compilation,
    read: ListRead,
    conditions: list[str],
    backwards: bool,
    rows: int,
    numbered: bool,
) -> str:
    """The first `rows` rows in page order, numbered `_n` in that order when `numbered`."""
    where = " and ".join(conditions) or "true"
    terms = read.order.sql(reverse=backwards, prefix="t.")
    window = f"where {where} order by {terms} limit {rows}"
    numbered_sql = (
        f"select t.*, row_number() over (order by {terms}) as _n" if numbered else "select t.*"
    )
    if read.query.union:
        # Each branch cut to the page before the union is sorted (fetch_union_page).
        branches = union_branches(read.query.sql)
        cut = [
            f"(select * from ({c.bind(branch, read.bound)}) as t {window})" for branch in branches
        ]
        return f"{numbered_sql} from ({' union all '.join(cut)}) as t {window}"
    base = f"select * from ({_bind_read(c, read)}) as t {window}"
    if read.query.decorate is not None:
        # Costly columns for the page's rows only (fetch_page's `decorate`).
        decorate = c.bind(query(read.query.feature, read.query.decorate), read.bound)
        return f"with page as ({base}) {numbered_sql} from ({decorate}) as t"
    return f"{numbered_sql} from ({base}) as t"
