-- name: stances_by_id
select id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
       version, created_at, updated_at
from stance where id = any($1::bigint[])

-- name: list_stances
-- $1 actor ids, $2 subject ids, $3 positions
select id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
       version, created_at, updated_at, coalesce(since_at, '-infinity') as sort_since
from stance
where ($1::bigint[] is null or actor_id = any($1))
  and ($2::bigint[] is null or subject_id = any($2))
  and ($3::stance_position[] is null or position = any($3::stance_position[]))
