-- The change history (service/api/history.py), read through the keyset pager.

-- name: list_changes
-- :record_id (null: every record), :kinds (null: every kind), :actor (null:
-- anyone), :after_id (only changes after this change id; null: from the first).
select id, record_id, kind, operation, version, actor_name, changed_at, before, after
from change
where (:record_id::bigint is null or record_id = :record_id)
  and (:kinds::text[] is null or kind = any(:kinds::text[]::record_kind[]))
  and (:actor::text is null or actor_name = :actor)
  and (:after_id::bigint is null or id > :after_id)
