-- name: declarations_by_id
select id, slug, title, short_name, kind, status, adopted_at, adopted_precision, adopted_until,
       adopted_place, event_id, binding, summary, note, version, created_at, updated_at
from declaration where id = any($1::bigint[])

-- name: declaration_by_slug
select id from declaration where slug = $1

-- name: list_declarations
-- :kinds, :statuses, :party_actor_ids, :adopted_from, :adopted_to (a window: the dates
-- that overlap it), :text
select id, slug, title, short_name, kind, status, adopted_at, adopted_precision, adopted_until,
       adopted_place, event_id, binding, summary, note, version, created_at, updated_at,
       coalesce(adopted_latest, '-infinity') as sort_adopted_latest,
       coalesce(adopted_at, '-infinity') as sort_adopted_at
from declaration d
where (:kinds::declaration_kind[] is null or kind = any(:kinds::declaration_kind[]))
  and (:statuses::declaration_status[] is null or status = any(:statuses::declaration_status[]))
  and (:party_actor_ids::bigint[] is null
       or exists (select 1 from party p where p.declaration_id = d.id and p.actor_id = any(:party_actor_ids)))
  and (:adopted_from::timestamptz is null or adopted_latest >= :adopted_from)
  and (:adopted_to::timestamptz is null or adopted_at < :adopted_to)
  and (:text::text is null or search @@ websearch_to_tsquery('english', :text))

-- name: provisions_by_id
select id, slug, declaration_id, position, topic, title, body, note, version, created_at, updated_at
from provision where id = any($1::bigint[])

-- name: provision_by_slug
select id from provision where slug = $1

-- name: list_provisions
-- :topics, :declaration_ids, :text
select id, slug, declaration_id, position, topic, title, body, note, version, created_at, updated_at
from provision
where (:topics::provision_topic[] is null or topic = any(:topics::provision_topic[]))
  and (:declaration_ids::bigint[] is null or declaration_id = any(:declaration_ids))
  and (:text::text is null or search @@ websearch_to_tsquery('english', :text))

-- name: parties_by_id
select p.id, p.declaration_id, p.actor_id, p.role, p.note, p.version, p.created_at, p.updated_at,
       exists (select 1 from party o where o.declaration_id = p.declaration_id
               and o.actor_id = p.actor_id and o.id <> p.id) as disputed
from party p where p.id = any($1::bigint[])

-- name: list_parties
-- :roles
select p.id, p.declaration_id, p.actor_id, p.role, p.note, p.version, p.created_at, p.updated_at,
       exists (select 1 from party o where o.declaration_id = p.declaration_id
               and o.actor_id = p.actor_id and o.id <> p.id) as disputed,
       a.name as actor_name
from party p join actor a on a.id = p.actor_id
where (:roles::party_role[] is null or p.role = any(:roles::party_role[]))
