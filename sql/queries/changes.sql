-- The change history (service/api/history.py), read through the keyset pager.

-- name: list_changes
-- $1 record id (null: every record), $2 kinds (null: every kind), $3 actor (null:
-- anyone), $4 only changes after this change id (null: from the first).
select id, record_id, kind, operation, version, actor_name, changed_at, before, after
from change
where ($1::bigint is null or record_id = $1)
  and ($2::text[] is null or kind = any($2::text[]::record_kind[]))
  and ($3::text is null or actor_name = $3)
  and ($4::bigint is null or id > $4)
