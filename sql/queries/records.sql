-- name: record_kinds
select id, kind from record where id = any($1::bigint[])
