-- name: stances_by_id
select id, actor_id, subject_id, position, since_at, since_precision, since_until,
       statement_id, summary, note, version, created_at, updated_at
from stance where id = any($1::bigint[])

-- name: list_stances
-- :actor_ids, :subject_ids (exactly these subjects), :declaration_ids (these documents or
-- any of their clauses, as the timeline's filter), :positions, :held_at (only the stances
-- held at that instant, exclusive: stance_held_at of migration 0015)
select id, actor_id, subject_id, position, since_at, since_precision, since_until,
       statement_id, summary, note, version, created_at, updated_at,
       coalesce(since_latest, '-infinity') as sort_since_latest,
       coalesce(since_at, '-infinity') as sort_since_at
from stance
where (:actor_ids::bigint[] is null or actor_id = any(:actor_ids))
  and (:subject_ids::bigint[] is null or subject_id = any(:subject_ids))
  and (:declaration_ids::bigint[] is null or subject_id = any(:declaration_ids)
       or subject_id in (select p.id from provision p
                         where p.declaration_id = any(:declaration_ids)))
  and (:positions::stance_position[] is null or position = any(:positions::stance_position[]))
  and (:held_at::timestamptz is null or stance_held_at(stance, :held_at))
