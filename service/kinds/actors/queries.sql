-- name: actors_by_id
select id, slug, kind, name, aliases, country_code, wikidata_id, summary,
       note, version, created_at, updated_at
from actor where id = any($1::bigint[])

-- name: actor_by_slug
select id from actor where slug = $1

-- name: list_actors
-- :kinds, :country_codes, :text (full-text on name and summary, or a name fragment)
select id, slug, kind, name, aliases, country_code, wikidata_id, summary,
       note, version, created_at, updated_at
from actor
where (:kinds::actor_kind[] is null or kind = any(:kinds::actor_kind[]))
  and (:country_codes::text[] is null or country_code = any(:country_codes))
  and (:text::text is null or search @@ websearch_to_tsquery('english', :text)
       or name ilike '%' || :text || '%' or :text = any(aliases))

-- name: memberships_by_id
select id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
       start_until, end_at, end_precision, end_until, note, version, created_at, updated_at
from membership where id = any($1::bigint[])

-- name: list_memberships
select id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
       start_until, end_at, end_precision, end_until, note, version, created_at, updated_at,
       coalesce(start_latest, '-infinity') as sort_start_latest,
       coalesce(start_at, '-infinity') as sort_start_at
from membership
