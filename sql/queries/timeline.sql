-- name: timeline
-- Dated items in one list: statements, warnings, track updates and adoptions of documents.
-- $1 kinds, $2 actor ids, $3 declaration ids, $4 track ids, $5 from, $6 to.
-- An item kind that cannot relate to a given filter (an adoption to a track) is left out.
select item_kind, id, at from (
    select 'statement'::text as item_kind, s.id, s.said_at as at
    from statement s
    where ($2::bigint[] is null or s.speaker_id = any($2) or s.on_behalf_of_id = any($2))
      and ($3::bigint[] is null or exists (
            select 1 from statement_subject ss left join provision p on p.id = ss.subject_id
            where ss.statement_id = s.id and (ss.subject_id = any($3) or p.declaration_id = any($3))))
      and ($4::bigint[] is null or exists (
            select 1 from statement_subject ss where ss.statement_id = s.id and ss.subject_id = any($4)))
    union all
    select 'warning', w.id, s.said_at
    from warning w join statement s on s.id = w.statement_id
    where ($2::bigint[] is null or s.speaker_id = any($2) or s.on_behalf_of_id = any($2))
      and ($3::bigint[] is null or exists (
            select 1 from warning_answer a left join provision p on p.id = a.subject_id
            where a.warning_id = w.id and (a.subject_id = any($3) or p.declaration_id = any($3))))
      and ($4::bigint[] is null or exists (
            select 1 from statement_subject ss where ss.statement_id = s.id and ss.subject_id = any($4)))
    union all
    select 'track_update', u.id, u.reported_at
    from track_update u
    where ($2::bigint[] is null or u.reported_by_id = any($2))
      and $3::bigint[] is null
      and ($4::bigint[] is null or u.track_id = any($4))
    union all
    select 'declaration', d.id, d.adopted_at
    from declaration d
    where d.adopted_at is not null
      and ($2::bigint[] is null or exists (
            select 1 from party p where p.declaration_id = d.id and p.actor_id = any($2)))
      and ($3::bigint[] is null or d.id = any($3))
      and $4::bigint[] is null
) as items
where ($1::text[] is null or item_kind = any($1))
  and ($5::timestamptz is null or at >= $5)
  and ($6::timestamptz is null or at < $6)
