-- Writers no longer wait on each other (issue #20). Until now every write transaction
-- held one advisory lock from its start to its commit, so change ids followed commit
-- order and a reader resuming after change N could never meet a later commit below N.
-- Now writers run and commit at once, and a change may commit while one with a smaller
-- id is still in flight. Readers stay safe by passing only *settled* changes: change c
-- is settled once every transaction that drew a change id before c has ended, so
-- nothing below c can commit any more.
--
-- To know that, each change keeps `writers_below`: a transaction id above that of every
-- transaction which drew a change id up to this one. Readers compare it with the oldest
-- transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`): once
-- `writers_below <= xmin`, those transactions have all ended and the change is
-- settled. `writers_below` never decreases as ids grow, so the settled changes are
-- exactly the ids up to the newest settled one.
--
-- The trigger below draws the id and works out `writers_below` together, in a critical
-- section of a few microseconds (not to commit): the id's order is the draw's order,
-- and the sequence `change_writers_below` keeps the highest writer's transaction id + 1
-- seen so far. (A snapshot's xmax cannot serve: it is the newest *ended* transaction
-- + 1, below transactions still running.) The writer's transaction id is taken before
-- its id is drawn, so a writer still running always counts.
--
-- During a rollout, instances of the version before still read without settling: their
-- subscribers may pass a change written by a new instance while one below it is in
-- flight. Replace them all soon after migrating.

alter table change alter column id drop identity;
create sequence change_id_seq as bigint owned by change.id;
select setval('change_id_seq', coalesce(max(id), 0) + 1, false) from change;

-- Every change written before this migration is settled: the migration's lock on
-- `change` waited for every transaction that was writing one.
alter table change add column writers_below xid8 not null default '0';
alter table change alter column writers_below drop default;
comment on column change.writers_below is
    'Every transaction that drew a change id up to this one has a transaction id below '
    'this: the change is settled (nothing below it can still commit) once no transaction '
    'older than this runs (migration 0013).';

create sequence change_writers_below as bigint minvalue 0 start 0;

create function draw_change_id() returns trigger language plpgsql as $$
declare
    -- Taken (assigned if need be) before the id is drawn: a writer is running with
    -- this transaction id from before its draw until it ends.
    writer bigint := pg_current_xact_id()::text::bigint;
    below bigint;
begin
    begin
        -- The critical section: one writer at a time draws an id and raises the
        -- sequence's highest writer, so each change's `writers_below` covers every
        -- writer that drew before it. The lock belongs to this block's subtransaction,
        -- which the raise below ends: released at once, whatever happens inside.
        perform pg_advisory_xact_lock(5064014);
        new.id := nextval('change_id_seq');
        below := greatest((select last_value from change_writers_below), writer + 1);
        perform setval('change_writers_below', below);
        raise sqlstate 'PRDRW';
    exception when sqlstate 'PRDRW' then
        null;  -- sequences are not transactional: the id and `below` stay drawn
    end;
    new.writers_below := below::text::xid8;
    return new;
end;
$$;

create trigger draw_change_id before insert on change
for each row execute function draw_change_id();
