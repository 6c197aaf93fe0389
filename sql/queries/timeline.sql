-- name: timeline
-- Dated items in one list: statements, warnings, track updates, adoptions of documents and
-- events (at their start; by actor: a participant; by document or track: what they concern).
-- :kinds, :actor_ids, :declaration_ids, :track_ids, :from_time, :to_time.
-- An item kind that cannot relate to a given filter (an adoption to a track) is left out.
-- Each item has its earliest instant (`at`) and its latest (`latest`): the window
-- [from_time, to_time) keeps the items whose interval overlaps it, and `partial` says an
-- item may also lie outside it (service/record/dates.py).
-- Each branch applies every filter itself, and branches are separated by lines holding
-- only `union all`: the timeline's pager (service/api/timeline.py) splits the query there
-- and cuts each branch to one page before the union is sorted (an index on each branch's
-- date serves it). Wrapped whole, it is still the full list (service/api/live.py).
select 'statement'::text as item_kind, s.id, s.said_at as at, s.said_latest as latest,
       (s.said_at < :from_time or s.said_latest >= :to_time) is true as partial
from statement s
where (:kinds::text[] is null or 'statement' = any(:kinds))
  and (:from_time::timestamptz is null or s.said_latest >= :from_time)
  and (:to_time::timestamptz is null or s.said_at < :to_time)
  and (:actor_ids::bigint[] is null or s.speaker_id = any(:actor_ids) or s.on_behalf_of_id = any(:actor_ids))
  and (:declaration_ids::bigint[] is null or exists (
        select 1 from statement_subject ss left join provision p on p.id = ss.subject_id
        where ss.statement_id = s.id and (ss.subject_id = any(:declaration_ids) or p.declaration_id = any(:declaration_ids))))
  and (:track_ids::bigint[] is null or exists (
        select 1 from statement_subject ss where ss.statement_id = s.id and ss.subject_id = any(:track_ids)))
union all
select 'warning'::text as item_kind, w.id, ws.said_at as at, ws.said_latest as latest,
       (ws.said_at < :from_time or ws.said_latest >= :to_time) is true as partial
from warning w join warning_said ws on ws.warning_id = w.id
join statement s on s.id = w.statement_id
where (:kinds::text[] is null or 'warning' = any(:kinds))
  and (:from_time::timestamptz is null or ws.said_latest >= :from_time)
  and (:to_time::timestamptz is null or ws.said_at < :to_time)
  and (:actor_ids::bigint[] is null or s.speaker_id = any(:actor_ids) or s.on_behalf_of_id = any(:actor_ids))
  and (:declaration_ids::bigint[] is null or exists (
        select 1 from warning_answer a left join provision p on p.id = a.subject_id
        where a.warning_id = w.id and (a.subject_id = any(:declaration_ids) or p.declaration_id = any(:declaration_ids))))
  and (:track_ids::bigint[] is null or exists (
        select 1 from statement_subject ss where ss.statement_id = s.id and ss.subject_id = any(:track_ids)))
union all
select 'track_update'::text as item_kind, u.id, u.reported_at as at, u.reported_latest as latest,
       (u.reported_at < :from_time or u.reported_latest >= :to_time) is true as partial
from track_update u
where (:kinds::text[] is null or 'track_update' = any(:kinds))
  and (:from_time::timestamptz is null or u.reported_latest >= :from_time)
  and (:to_time::timestamptz is null or u.reported_at < :to_time)
  and (:actor_ids::bigint[] is null or u.reported_by_id = any(:actor_ids))
  and :declaration_ids::bigint[] is null
  and (:track_ids::bigint[] is null or u.track_id = any(:track_ids))
union all
select 'declaration'::text as item_kind, d.id, d.adopted_at as at, d.adopted_latest as latest,
       (d.adopted_at < :from_time or d.adopted_latest >= :to_time) is true as partial
from declaration d
where d.adopted_at is not null
  and (:kinds::text[] is null or 'declaration' = any(:kinds))
  and (:from_time::timestamptz is null or d.adopted_latest >= :from_time)
  and (:to_time::timestamptz is null or d.adopted_at < :to_time)
  and (:actor_ids::bigint[] is null or exists (
        select 1 from party p where p.declaration_id = d.id and p.actor_id = any(:actor_ids)))
  and (:declaration_ids::bigint[] is null or d.id = any(:declaration_ids))
  and :track_ids::bigint[] is null
union all
select 'event'::text as item_kind, e.id, e.starts_at as at, e.starts_latest as latest,
       (e.starts_at < :from_time or e.starts_latest >= :to_time) is true as partial
from event e
where (:kinds::text[] is null or 'event' = any(:kinds))
  and (:from_time::timestamptz is null or e.starts_latest >= :from_time)
  and (:to_time::timestamptz is null or e.starts_at < :to_time)
  and (:actor_ids::bigint[] is null or exists (
        select 1 from participation p where p.event_id = e.id and p.actor_id = any(:actor_ids)))
  and (:declaration_ids::bigint[] is null or exists (
        select 1 from event_subject es left join provision p on p.id = es.subject_id
        where es.event_id = e.id and (es.subject_id = any(:declaration_ids) or p.declaration_id = any(:declaration_ids))))
  and (:track_ids::bigint[] is null or exists (
        select 1 from event_subject es where es.event_id = e.id and es.subject_id = any(:track_ids)))
