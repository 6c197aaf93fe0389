-- Every citation query joins its source and returns the source's columns as source_*:
-- `Citation.source` is then a plain value, with no loader and no statement of its own
-- (null for an inferred claim, which has no source: hence the left join).

-- name: citations_by_id
select c.id, c.subject_id, c.source_id, c.target_id, c.basis, c.quote, c.quote_language,
       c.translated_from, c.field, c.claimed_value, c.note, c.version, c.created_at, c.updated_at,
       s.slug as source_slug, s.url as source_url, s.publisher as source_publisher,
       s.title as source_title, s.kind as source_kind, s.language as source_language,
       s.published_at as source_published_at,
       s.published_precision as source_published_precision,
       s.published_until as source_published_until,
       s.retrieved_at as source_retrieved_at, s.note as source_note, s.version as source_version,
       s.created_at as source_created_at, s.updated_at as source_updated_at
from citation c left join source s on s.id = c.source_id
where c.id = any($1::bigint[])

-- name: list_citations
-- :field (null: every citation), :bases (null: every basis), :source_ids, :subject_ids
select c.id, c.subject_id, c.source_id, c.target_id, c.basis, c.quote, c.quote_language,
       c.translated_from, c.field, c.claimed_value, c.note, c.version, c.created_at, c.updated_at,
       s.slug as source_slug, s.url as source_url, s.publisher as source_publisher,
       s.title as source_title, s.kind as source_kind, s.language as source_language,
       s.published_at as source_published_at,
       s.published_precision as source_published_precision,
       s.published_until as source_published_until,
       s.retrieved_at as source_retrieved_at, s.note as source_note, s.version as source_version,
       s.created_at as source_created_at, s.updated_at as source_updated_at
from citation c left join source s on s.id = c.source_id
where (:field::text is null or c.field = :field)
  and (:bases::citation_basis[] is null or c.basis = any(:bases::citation_basis[]))
  and (:source_ids::bigint[] is null or c.source_id = any(:source_ids))
  and (:subject_ids::bigint[] is null or c.subject_id = any(:subject_ids))
