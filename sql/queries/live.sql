-- name: latest_change_id
select coalesce(max(id), 0) from change

-- name: changes_after
-- The change feed after a change id, in id order (ids follow commit order).
-- $1 after id, $2 kinds, $3 record ids, $4 limit
select id, record_id, kind, operation, version, actor_name, changed_at
from change
where id > $1
  and ($2::record_kind[] is null or kind = any($2::record_kind[]))
  and ($3::bigint[] is null or record_id = any($3))
order by id
limit $4

-- name: was_adopted_before
-- Did the declaration already have an adoption date before change $1?
select (c.before ->> 'adopted_at') is not null
from change c where c.id = $1 and c.record_id = $2
