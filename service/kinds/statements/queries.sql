-- name: statements_by_id
select id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
       language, event_code, summary, version, created_at, updated_at
from statement where id = any($1::bigint[])

-- name: statement_by_slug
select id from statement where slug = $1

-- name: list_statements
-- $1 speaker or on-behalf-of actor ids, $2 channels, $3 subject ids (about), $4 said from,
-- $5 said to, $6 text, $7 event code prefixes
select id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
       language, event_code, summary, version, created_at, updated_at
from statement s
where ($1::bigint[] is null or speaker_id = any($1) or on_behalf_of_id = any($1))
  and ($2::channel[] is null or channel = any($2::channel[]))
  and ($3::bigint[] is null
       or exists (select 1 from statement_subject ss
                  where ss.statement_id = s.id and ss.subject_id = any($3)))
  and ($4::timestamptz is null or said_at >= $4)
  and ($5::timestamptz is null or said_at < $5)
  and ($6::text is null or search @@ websearch_to_tsquery('english', $6))
  and ($7::text[] is null or event_code like any (select p || '%' from unnest($7) p))

-- name: list_statements_about
select s.id, s.slug, s.speaker_id, s.on_behalf_of_id, s.said_at, s.said_precision, s.channel,
       s.place, s.quote, s.language, s.event_code, s.summary, s.version, s.created_at,
       s.updated_at, ss.subject_id
from statement s join statement_subject ss on ss.statement_id = s.id

-- name: statement_subjects
select statement_id, subject_id from statement_subject
where statement_id = any($1::bigint[]) order by subject_id
