-- The items of a write batch (service/record/write_statements.py), as the planner should
-- count them. The writer sends a batch as one JSON array; read with jsonb_array_elements,
-- which the planner counts as 100 rows whatever it holds, a batch of one record (every
-- single-record mutation) was planned as a hundred: hash joins over sequential scans of
-- the kind's table, of `record` and of the tables its answer joins (0.6 ms to delete one
-- actor among 3,000, growing with the table). Counted as one row, each record is found by
-- its index, and a batch of thousands is a loop of index lookups, which suits it too.
--
-- A PL/pgSQL function, so that the planner keeps its ROWS (a plain SQL function would
-- be inlined and counted as jsonb_array_elements again).
create function write_items(items jsonb) returns table (v jsonb, ord bigint)
language plpgsql immutable strict parallel safe rows 1 as $$
begin
    return query select e.value, e.ordinality from jsonb_array_elements(items) with ordinality as e;
end;
$$;

comment on function write_items(jsonb) is
    'The items of a write batch, one row each with its position from 1, counted by the '
    'planner as one row (migration 0016).';
