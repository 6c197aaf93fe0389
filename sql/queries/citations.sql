-- name: citations_by_id
select id, subject_id, source_id, quote, quote_language, field, claimed_value, note,
       version, created_at, updated_at
from citation where id = any($1::bigint[])

-- name: list_citations
-- $1 field (null: every citation), $2 source ids, $3 subject ids
select id, subject_id, source_id, quote, quote_language, field, claimed_value, note,
       version, created_at, updated_at
from citation
where ($1::text is null or field = $1)
  and ($2::bigint[] is null or source_id = any($2))
  and ($3::bigint[] is null or subject_id = any($3))
