-- The exports (service/exports/, service/http/exports.py): each reads one snapshot.

-- name: snapshot_change
-- The newest settled change the export's snapshot holds (sql/queries/live.sql,
-- settled_change_id; migration 0013): the first statement of its REPEATABLE READ
-- transaction, which takes the snapshot. Every change up to it is in the snapshot, and no
-- change below it can commit any more, so an incremental pull from it (`since`) misses
-- nothing; changes above it that the snapshot already holds come again in that pull.
select coalesce((
    select id from change
    where writers_below <= pg_snapshot_xmin(pg_current_snapshot())
    order by id desc
    limit 1
), 0) as change_id

-- name: deleted_since
-- Records of :kinds deleted by a change after :after_id and gone (their tombstones).
select ch.record_id, ch.kind
from change ch
where ch.id > :after_id::bigint
  and ch.operation = 'delete'
  and ch.kind = any(:kinds::text[]::record_kind[])
  and not exists (select 1 from record r where r.id = ch.record_id)
order by ch.id
