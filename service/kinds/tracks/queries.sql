-- name: tracks_by_id
select t.id, t.slug, t.name, t.summary, t.note, t.version, t.created_at, t.updated_at,
       (select u.status from track_update u where u.track_id = t.id
        order by u.reported_latest desc, u.reported_at desc, u.id desc limit 1) as status
from track t where t.id = any($1::bigint[])

-- name: track_by_slug
select id from track where slug = $1

-- name: list_tracks
-- :statuses (the current status), :text
select * from (
    select t.id, t.slug, t.name, t.summary, t.note, t.version, t.created_at, t.updated_at,
           (select u.status from track_update u where u.track_id = t.id
            order by u.reported_latest desc, u.reported_at desc, u.id desc limit 1) as status
    from track t
    where (:text::text is null or t.search @@ websearch_to_tsquery('english', :text))
) as tracks
where (:statuses::track_status[] is null or status = any(:statuses::track_status[]))

-- name: track_updates_by_id
select id, track_id, status, reported_at, reported_precision, reported_until, event_id,
       reported_by_id, statement_id, summary, note, version, created_at, updated_at
from track_update where id = any($1::bigint[])

-- name: list_track_updates
-- :statuses, :reported_from, :reported_to (a window: the dates that overlap it)
select id, track_id, status, reported_at, reported_precision, reported_until, event_id,
       reported_by_id, statement_id, summary, note, version, created_at, updated_at,
       reported_latest
from track_update
where (:statuses::track_status[] is null or status = any(:statuses::track_status[]))
  and (:reported_from::timestamptz is null or reported_latest >= :reported_from)
  and (:reported_to::timestamptz is null or reported_at < :reported_to)
