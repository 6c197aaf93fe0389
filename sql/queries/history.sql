-- name: insert_change
-- The id and `writers_below` come from the trigger `draw_change_id` (migration 0013):
-- no lock is held to commit, and readers pass a change only once it is settled.
insert into change (record_id, kind, operation, version, actor_name, before, after)
values ($1, $2, $3, $4, $5, $6, $7)
returning id

-- name: insert_record
insert into record (kind) values ($1) returning id

-- name: delete_record
delete from record where id = $1 and kind = $2 returning id
