-- The seed loader (service/seeds/). Rows are read and written through the writer and
-- the kinds' descriptions; only this question is the loader's own.

-- name: is_empty
select not exists (select from record) as empty
