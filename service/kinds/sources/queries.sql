-- name: sources_by_id
select id, slug, url, publisher, title, kind, language, published_at, published_precision,
       retrieved_at, version, created_at, updated_at
from source where id = any($1::bigint[])

-- name: source_by_slug
select id from source where slug = $1

-- name: list_sources
-- $1 kinds, $2 publisher (exact, case-insensitive), $3 text
select id, slug, url, publisher, title, kind, language, published_at, published_precision,
       retrieved_at, version, created_at, updated_at,
       coalesce(published_at, '-infinity') as sort_published
from source
where ($1::source_kind[] is null or kind = any($1::source_kind[]))
  and ($2::text is null or lower(publisher) = lower($2))
  and ($3::text is null or search @@ websearch_to_tsquery('simple', $3))
