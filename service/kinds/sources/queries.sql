-- name: sources_by_id
-- With `text` for the compiled path's `Source.text` (the executor reads it by source_texts).
select id, slug, url, publisher, title, kind, language, published_at, published_precision,
       published_until, retrieved_at, note, version, created_at, updated_at, text
from source where id = any($1::bigint[])

-- name: source_texts
select id, text from source where id = any($1::bigint[])

-- name: source_by_slug
select id from source where slug = $1

-- name: list_sources
-- :kinds, :publisher (exact, case-insensitive), :text
select id, slug, url, publisher, title, kind, language, published_at, published_precision,
       published_until, retrieved_at, note, version, created_at, updated_at, text,
       coalesce(published_latest, '-infinity') as sort_published_latest,
       coalesce(published_at, '-infinity') as sort_published_at
from source
where (:kinds::source_kind[] is null or kind = any(:kinds::source_kind[]))
  and (:publisher::text is null or lower(publisher) = lower(:publisher))
  and (:text::text is null or search @@ websearch_to_tsquery('simple', :text))
