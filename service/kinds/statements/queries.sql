-- name: statements_by_id
select id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, said_until, event_id,
       channels, channel, place, quote, language, translated_from, event_code, summary, note,
       version, created_at, updated_at
from statement where id = any($1::bigint[])

-- name: statement_by_slug
select id from statement where slug = $1

-- name: list_statements
-- :speaker_ids (speaker or on-behalf-of actor ids), :channels (any of them), :about_ids,
-- :said_from, :said_to (a window: said_latest >= from and said_at < to, the dates that
-- overlap it), :text, :event_code_prefixes
select id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, said_until, event_id,
       channels, channel, place, quote, language, translated_from, event_code, summary, note,
       version, created_at, updated_at, said_latest
from statement s
where (:speaker_ids::bigint[] is null or speaker_id = any(:speaker_ids) or on_behalf_of_id = any(:speaker_ids))
  and (:channels::channel[] is null or channels && :channels::channel[])
  and (:about_ids::bigint[] is null
       or exists (select 1 from statement_subject ss
                  where ss.statement_id = s.id and ss.subject_id = any(:about_ids)))
  and (:said_from::timestamptz is null or said_latest >= :said_from)
  and (:said_to::timestamptz is null or said_at < :said_to)
  and (:text::text is null or search @@ websearch_to_tsquery('english', :text))
  and (:event_code_prefixes::text[] is null or event_code like any (select p || '%' from unnest(:event_code_prefixes) p))

-- name: list_statements_about
select s.id, s.slug, s.speaker_id, s.on_behalf_of_id, s.said_at, s.said_precision,
       s.said_until, s.event_id, s.channels, s.channel, s.place, s.quote, s.language,
       s.translated_from, s.event_code, s.summary, s.note, s.version, s.created_at,
       s.updated_at, s.said_latest, ss.subject_id
from statement s join statement_subject ss on ss.statement_id = s.id

-- name: statement_subjects
select statement_id, subject_id from statement_subject
where statement_id = any($1::bigint[]) order by subject_id
