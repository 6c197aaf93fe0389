-- name: declarations_by_id
select id, slug, title, short_name, kind, status, adopted_at, adopted_precision, adopted_place,
       binding, summary, version, created_at, updated_at
from declaration where id = any($1::bigint[])

-- name: declaration_by_slug
select id from declaration where slug = $1

-- name: list_declarations
-- $1 kinds, $2 statuses, $3 party actor ids, $4 adopted from, $5 adopted to, $6 text
select id, slug, title, short_name, kind, status, adopted_at, adopted_precision, adopted_place,
       binding, summary, version, created_at, updated_at,
       coalesce(adopted_at, '-infinity') as sort_adopted
from declaration d
where ($1::declaration_kind[] is null or kind = any($1::declaration_kind[]))
  and ($2::declaration_status[] is null or status = any($2::declaration_status[]))
  and ($3::bigint[] is null
       or exists (select 1 from party p where p.declaration_id = d.id and p.actor_id = any($3)))
  and ($4::timestamptz is null or adopted_at >= $4)
  and ($5::timestamptz is null or adopted_at < $5)
  and ($6::text is null or search @@ websearch_to_tsquery('english', $6))

-- name: provisions_by_id
select id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at
from provision where id = any($1::bigint[])

-- name: provision_by_slug
select id from provision where slug = $1

-- name: list_provisions
-- $1 topics, $2 declaration ids, $3 text
select id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at
from provision
where ($1::provision_topic[] is null or topic = any($1::provision_topic[]))
  and ($2::bigint[] is null or declaration_id = any($2))
  and ($3::text is null or search @@ websearch_to_tsquery('english', $3))

-- name: parties_by_id
select p.id, p.declaration_id, p.actor_id, p.role, p.note, p.version, p.created_at, p.updated_at,
       exists (select 1 from party o where o.declaration_id = p.declaration_id
               and o.actor_id = p.actor_id and o.id <> p.id) as disputed
from party p where p.id = any($1::bigint[])

-- name: list_parties
-- $1 roles
select p.id, p.declaration_id, p.actor_id, p.role, p.note, p.version, p.created_at, p.updated_at,
       exists (select 1 from party o where o.declaration_id = p.declaration_id
               and o.actor_id = p.actor_id and o.id <> p.id) as disputed,
       a.name as actor_name
from party p join actor a on a.id = p.actor_id
where ($1::party_role[] is null or p.role = any($1::party_role[]))
