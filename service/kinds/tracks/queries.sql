-- name: tracks_by_id
select t.id, t.slug, t.name, t.summary, t.version, t.created_at, t.updated_at,
       (select u.status from track_update u where u.track_id = t.id
        order by u.reported_at desc, u.id desc limit 1) as status
from track t where t.id = any($1::bigint[])

-- name: track_by_slug
select id from track where slug = $1

-- name: list_tracks
-- $1 current statuses, $2 text
select * from (
    select t.id, t.slug, t.name, t.summary, t.version, t.created_at, t.updated_at,
           (select u.status from track_update u where u.track_id = t.id
            order by u.reported_at desc, u.id desc limit 1) as status
    from track t
    where ($2::text is null or t.search @@ websearch_to_tsquery('english', $2))
) as tracks
where ($1::track_status[] is null or status = any($1::track_status[]))

-- name: track_updates_by_id
select id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
       summary, version, created_at, updated_at
from track_update where id = any($1::bigint[])

-- name: list_track_updates
-- $1 statuses, $2 reported from, $3 reported to
select id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
       summary, version, created_at, updated_at
from track_update
where ($1::track_status[] is null or status = any($1::track_status[]))
  and ($2::timestamptz is null or reported_at >= $2)
  and ($3::timestamptz is null or reported_at < $3)
