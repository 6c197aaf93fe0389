-- name: warnings_by_id
-- Every warning query also returns its statement's speaker_id and on_behalf_of_id: the
-- warning's issuer, which a client then gets without loading the statement.
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.speaker_id,
       s.on_behalf_of_id
from warning w join statement s on s.id = w.statement_id
where w.id = any($1::bigint[])

-- name: warning_by_slug
select id from warning where slug = $1

-- name: list_warnings
-- :issuer_ids (speaker or on behalf of), :target_ids, :answers_ids (documents or
-- clauses; a document also matches warnings answering its clauses), :said_from, :said_to, :text
-- The date is warning_said's (its statement's, kept by triggers: migrations 0007, 0011),
-- whose index gives the newest warnings first without probing statements; the window
-- keeps the warnings whose date overlaps it.
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, ws.said_latest, ws.said_at,
       s.speaker_id, s.on_behalf_of_id
from warning w join warning_said ws on ws.warning_id = w.id
join statement s on s.id = w.statement_id
where (:issuer_ids::bigint[] is null or s.speaker_id = any(:issuer_ids) or s.on_behalf_of_id = any(:issuer_ids))
  and (:target_ids::bigint[] is null
       or exists (select 1 from warning_target t where t.warning_id = w.id and t.actor_id = any(:target_ids)))
  and (:answers_ids::bigint[] is null
       or exists (select 1 from warning_answer a left join provision p on p.id = a.subject_id
                  where a.warning_id = w.id
                    and (a.subject_id = any(:answers_ids) or p.declaration_id = any(:answers_ids))))
  and (:said_from::timestamptz is null or ws.said_latest >= :said_from)
  and (:said_to::timestamptz is null or ws.said_at < :said_to)
  and (:text::text is null or w.search @@ websearch_to_tsquery('english', :text))

-- name: list_warnings_by_issuer
-- Each warning once per issuer: its statement's speaker, and the actor it spoke for when
-- that is another one. Two plain columns (not one computed from both), so a filter on
-- issuer_id reaches the statement indexes on speaker_id and on_behalf_of_id.
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.said_latest, s.said_at,
       s.speaker_id, s.on_behalf_of_id, s.speaker_id as issuer_id
from warning w join statement s on s.id = w.statement_id
union all
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.said_latest, s.said_at,
       s.speaker_id, s.on_behalf_of_id, s.on_behalf_of_id
from warning w join statement s on s.id = w.statement_id
where s.on_behalf_of_id <> s.speaker_id

-- name: list_warnings_by_target
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.said_latest, s.said_at,
       s.speaker_id, s.on_behalf_of_id, t.actor_id
from warning w join statement s on s.id = w.statement_id
join warning_target t on t.warning_id = w.id

-- name: list_warnings_by_answered
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.said_latest, s.said_at,
       s.speaker_id, s.on_behalf_of_id, x.answered_id
from warning w join statement s on s.id = w.statement_id
cross join lateral (
    select a.subject_id from warning_answer a where a.warning_id = w.id
    union
    select p.declaration_id from warning_answer a join provision p on p.id = a.subject_id
    where a.warning_id = w.id
) as x (answered_id)

-- name: list_warnings_in_statement
select w.id, w.slug, w.statement_id, w.condition, w.consequence, w.repeats_earlier,
       w.repeats_warning_id, w.note, w.version, w.created_at, w.updated_at, s.said_latest, s.said_at,
       s.speaker_id, s.on_behalf_of_id
from warning w join statement s on s.id = w.statement_id

-- name: warning_targets
select warning_id, actor_id from warning_target
where warning_id = any($1::bigint[]) order by actor_id

-- name: warning_answers
select warning_id, subject_id from warning_answer
where warning_id = any($1::bigint[]) order by subject_id
