-- name: events_by_id
select id, slug, kind, title, starts_at, starts_precision, starts_until, ends_at,
       ends_precision, ends_until, place, summary, note, version, created_at, updated_at
from event where id = any($1::bigint[])

-- name: event_by_slug
select id from event where slug = $1

-- name: list_events
-- :kinds, :participant_ids (actors with any role), :concerns_ids, :starts_from,
-- :starts_to (a window: the start dates that overlap it), :text
select id, slug, kind, title, starts_at, starts_precision, starts_until, ends_at,
       ends_precision, ends_until, place, summary, note, version, created_at, updated_at,
       starts_latest
from event e
where (:kinds::event_kind[] is null or kind = any(:kinds::event_kind[]))
  and (:participant_ids::bigint[] is null
       or exists (select 1 from participation p
                  where p.event_id = e.id and p.actor_id = any(:participant_ids)))
  and (:concerns_ids::bigint[] is null
       or exists (select 1 from event_subject es
                  where es.event_id = e.id and es.subject_id = any(:concerns_ids)))
  and (:starts_from::timestamptz is null or starts_latest >= :starts_from)
  and (:starts_to::timestamptz is null or starts_at < :starts_to)
  and (:text::text is null or search @@ websearch_to_tsquery('english', :text))

-- name: event_subjects
select event_id, subject_id from event_subject
where event_id = any($1::bigint[]) order by subject_id

-- name: participations_by_id
select id, event_id, actor_id, role, note, version, created_at, updated_at
from participation where id = any($1::bigint[])

-- name: list_participations
-- :roles. Rows carry the actor's name and the event's start, which the lists order by.
select p.id, p.event_id, p.actor_id, p.role, p.note, p.version, p.created_at, p.updated_at,
       a.name as actor_name, e.starts_latest as event_starts_latest,
       e.starts_at as event_starts_at
from participation p join actor a on a.id = p.actor_id join event e on e.id = p.event_id
where (:roles::participation_role[] is null or p.role = any(:roles::participation_role[]))
