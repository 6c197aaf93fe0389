-- The exports (service/exports/, service/http/exports.py): each reads one snapshot.

-- name: deleted_since
-- Records of :kinds deleted by a change after :after_id and gone (their tombstones).
select ch.record_id, ch.kind
from change ch
where ch.id > :after_id::bigint
  and ch.operation = 'delete'
  and ch.kind = any(:kinds::text[]::record_kind[])
  and not exists (select 1 from record r where r.id = ch.record_id)
order by ch.id
