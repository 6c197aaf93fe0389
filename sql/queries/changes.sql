-- The change history (service/graphql/history.py), read through the keyset pager.

-- name: list_changes
-- The change feed (`changes`): only settled changes (see sql/queries/live.sql), so a
-- client resuming after the last id it saw never misses a change committed later.
-- :kinds (null: every kind), :actor (null: anyone), :after_id (only changes after this
-- change id; null: from the first).
select id, record_id, kind, operation, version, actor_name, changed_at, before, after
from change
where writers_below <= pg_snapshot_xmin(pg_current_snapshot())
  and (:kinds::text[] is null or kind = any(:kinds::text[]::record_kind[]))
  and (:actor::text is null or actor_name = :actor)
  and (:after_id::bigint is null or id > :after_id)

-- name: list_record_changes
-- One record's history (`history`, `Record.history`): every committed change at once.
-- The changes of one record need no settling: each write of a record holds its row
-- locked to commit, so the next draws its change id after the previous one committed.
-- :record_id (null under a parent: the pager filters on record_id), :kinds.
select id, record_id, kind, operation, version, actor_name, changed_at, before, after
from change
where (:record_id::bigint is null or record_id = :record_id)
  and (:kinds::text[] is null or kind = any(:kinds::text[]::record_kind[]))
