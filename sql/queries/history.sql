-- name: insert_change
-- The transaction-level advisory lock is taken before the change id is drawn and held
-- until commit, so change ids are handed out in commit order: a reader of the feed that
-- has seen change N can never later find a committed change below N (no gaps for
-- resumable subscriptions). Writers serialize only from their first change to commit.
with commit_order as (select pg_advisory_xact_lock($8) as locked)
insert into change (record_id, kind, operation, version, actor_name, before, after)
select $1, $2, $3, $4, $5, $6, $7 from commit_order
returning id

-- name: insert_record
insert into record (kind) values ($1) returning id

-- name: delete_record
delete from record where id = $1 and kind = $2 returning id
