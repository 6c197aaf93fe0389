-- Readers of the change feed pass only settled changes: change c is settled once every
-- transaction that drew a change id before it has ended (its `writers_below` is at or
-- below the oldest transaction still running), so no change below c can commit any
-- more. `writers_below` grows with the id: the settled changes are a prefix of the log.
-- (migration 0013; docs/ARCHITECTURE.md, "Change ids and settled changes")

-- name: settled_change_id
-- The newest settled change (0 when none): a reader starting "from now" starts here.
-- Reads back over the changes not settled yet (normally none or a few).
select coalesce((
    select id from change
    where writers_below <= pg_snapshot_xmin(pg_current_snapshot())
    order by id desc
    limit 1
), 0)

-- name: data_version
-- The response cache's version of the data: the newest settled change and how many
-- changes were committed after it. Every commit changes one or the other: a change
-- committing while one below it is still in flight lands after the settled one and is
-- counted. Both reads stop after `counted` changes (the caller caches nothing when
-- that many wait behind a long transaction), so this stays a few index reads.
with settled as (
    select coalesce((
        select id from (select id, writers_below from change order by id desc limit :counted)
            as newest
        where writers_below <= pg_snapshot_xmin(pg_current_snapshot())
        limit 1
    ), 0) as id
)
select settled.id as settled_id,
    (select count(*) from (select from change where id > settled.id limit :counted) as after)
        as waiting
from settled

-- name: changes_after
-- The change feed after a change id, in id order, each change saying whether it is
-- settled: a reader hands on the changes up to the first that is not, and reads again
-- from there once it is (the changes after it may be settled by then too).
-- $1 after id, $2 kinds, $3 record ids, $4 limit
select id, record_id, kind, operation, version, actor_name, changed_at,
    writers_below <= pg_snapshot_xmin(pg_current_snapshot()) as settled
from change
where id > $1
  and ($2::record_kind[] is null or kind = any($2::record_kind[]))
  and ($3::bigint[] is null or record_id = any($3))
order by id
limit $4

-- name: oldest_running_transaction
-- The oldest transaction holding a transaction id: what holds the feed back when a
-- change stays unsettled for long (its writers_below is above this one's id).
select pid, state, application_name, xact_start, backend_xid::text as xid
from pg_stat_activity
where backend_xid is not null
order by age(backend_xid) desc
limit 1

-- name: was_adopted_before
-- Did the declaration already have an adoption date before change $1?
select (c.before ->> 'adopted_at') is not null
from change c where c.id = $1 and c.record_id = $2
