-- The exports (service/exports/, service/http/exports.py): each reads one snapshot.

-- name: snapshot_change
-- The newest change the export's snapshot holds: the first statement of its REPEATABLE
-- READ transaction, which takes the snapshot. Change ids follow commit order (the write
-- lock, sql/queries/history.sql), so the snapshot holds every change up to this id and
-- none after it: an incremental pull from it (`since`) misses nothing.
select coalesce(max(id), 0) as change_id from change

-- name: deleted_since
-- Records of :kinds deleted by a change after :after_id and gone (their tombstones).
select ch.record_id, ch.kind
from change ch
where ch.id > :after_id::bigint
  and ch.operation = 'delete'
  and ch.kind = any(:kinds::text[]::record_kind[])
  and not exists (select 1 from record r where r.id = ch.record_id)
order by ch.id
