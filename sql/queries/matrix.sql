-- The stance matrix (service/graphql/matrix.py): actors by subjects, each cell what an
-- actor holds toward a subject at an instant.

-- name: stance_matrix
-- :actor_ids (the rows; null: every actor with a cell), :subject_ids (the columns:
-- documents, clauses or tracks; null: every document and track with a cell, and every
-- clause with one when :with_provisions), :with_provisions (the clauses of the documents
-- too), :held_at (the instant, exclusive; null: now), :changed_after (a change id: only
-- the cells of the actor-subject pairs a change after it touched, from the change log;
-- a pair left with nothing is an empty cell), :cells_only (leave out the axes).
--
-- A cell holds the stances held then (stance_held_at, migration 0015), the claims that
-- the actor takes part in the document (parties of a document adopted by then, or
-- undated), and the citations of both. Rows: `part` 'actor' and 'subject' (the axes,
-- ranked: actors by name; documents by title, each followed by its clauses in order, then
-- tracks by name), and 'cell' (only where something is held or claimed), each with its
-- actor's and subject's rank; the axes have rank 0 on the other side.
with asked_subject as (
    select s.id from unnest(:subject_ids::bigint[]) as s (id)
    union
    select p.id from provision p
    where :with_provisions::boolean and p.declaration_id = any(:subject_ids::bigint[])
),
held as (
    select st.id, st.actor_id, st.subject_id, st.position, st.since_at, st.since_precision,
           st.since_until, st.since_latest
    from stance st
    where (:actor_ids::bigint[] is null or st.actor_id = any(:actor_ids::bigint[]))
      and (case when :subject_ids::bigint[] is null
                then :with_provisions::boolean
                     or not exists (select 1 from provision p where p.id = st.subject_id)
                else st.subject_id in (select id from asked_subject) end)
      and stance_held_at(st, coalesce(:held_at::timestamptz, 'infinity'))
),
claim as (
    select pa.id, pa.actor_id, pa.declaration_id as subject_id
    from party pa join declaration d on d.id = pa.declaration_id
    where (:actor_ids::bigint[] is null or pa.actor_id = any(:actor_ids::bigint[]))
      and (:subject_ids::bigint[] is null or pa.declaration_id in (select id from asked_subject))
      and (:held_at::timestamptz is null or d.adopted_at is null
           or d.adopted_at < :held_at::timestamptz)
),
-- The pairs a change after :changed_after touched: a stance's or a party's (before and
-- after the change: it may have moved), and those of the stance or party a citation backs.
touched as (
    select (v ->> 'actor_id')::bigint as actor_id,
           (v ->> (case ch.kind when 'party' then 'declaration_id' else 'subject_id' end))::bigint
               as subject_id
    from change ch cross join lateral (values (ch.before), (ch.after)) as x (v)
    where ch.id > :changed_after::bigint and ch.kind in ('stance', 'party') and v is not null
    union
    select coalesce(st.actor_id, pa.actor_id), coalesce(st.subject_id, pa.declaration_id)
    from change ch cross join lateral (values (ch.before), (ch.after)) as x (v)
    left join stance st on st.id = (v ->> 'subject_id')::bigint
    left join party pa on pa.id = (v ->> 'subject_id')::bigint
    where ch.id > :changed_after::bigint and ch.kind = 'citation' and v is not null
      and coalesce(st.id, pa.id) is not null
),
shown as (
    select actor_id, subject_id from held where :changed_after::bigint is null
    union
    select actor_id, subject_id from claim where :changed_after::bigint is null
    union
    select t.actor_id, t.subject_id from touched t
    where (:actor_ids::bigint[] is null or t.actor_id = any(:actor_ids::bigint[]))
      and (case when :subject_ids::bigint[] is null
                then :with_provisions::boolean
                     or not exists (select 1 from provision p where p.id = t.subject_id)
                else t.subject_id in (select id from asked_subject) end)
),
cell as (
    select s.actor_id, s.subject_id,
           coalesce(h.stance_ids, '{}') as stance_ids,
           coalesce(h.positions, '{}') as positions,
           h.since_at, h.since_precision, h.since_until,
           coalesce(c.party_ids, '{}') as party_ids,
           coalesce((select array_agg(ci.id order by array_position(
                                 coalesce(h.stance_ids, '{}') || coalesce(c.party_ids, '{}'),
                                 ci.subject_id), ci.created_at, ci.id)
                     from citation ci
                     where ci.subject_id = any(coalesce(h.stance_ids, '{}')
                                               || coalesce(c.party_ids, '{}'))), '{}')
               as citation_ids,
           array_remove(array[
               case when cardinality(h.positions) > 1 then 'positions' end,
               case when cardinality(c.party_ids) > 1 then 'party_role' end
           ]::text[], null) as disputes
    from shown s
    left join lateral (
        select array_agg(held.id order by held.id) as stance_ids,
               array_agg(distinct held.position order by held.position) as positions,
               -- Since when: the date of the latest begun of the stances held, in the
               -- one order of dates (by its latest instant, then its earliest).
               (array_agg(held.since_at order by held.since_latest desc nulls last,
                          held.since_at desc, held.id))[1] as since_at,
               (array_agg(held.since_precision order by held.since_latest desc nulls last,
                          held.since_at desc, held.id))[1] as since_precision,
               (array_agg(held.since_until order by held.since_latest desc nulls last,
                          held.since_at desc, held.id))[1] as since_until
        from held where held.actor_id = s.actor_id and held.subject_id = s.subject_id
    ) as h on true
    left join lateral (
        select array_agg(claim.id order by claim.id) as party_ids
        from claim where claim.actor_id = s.actor_id and claim.subject_id = s.subject_id
    ) as c on true
),
actor_axis as (
    select a.id, row_number() over (order by a.name, a.id) as rank
    from actor a
    where case when :actor_ids::bigint[] is null then a.id in (select actor_id from cell)
               else a.id = any(:actor_ids::bigint[]) end
),
subject_axis as (
    select r.id,
           row_number() over (order by r.kind = 'track', coalesce(d.title, pd.title, t.name),
                              coalesce(d.id, pd.id, t.id), coalesce(p.position, 0), r.id)
               as rank
    from record r
    left join declaration d on d.id = r.id
    left join provision p on p.id = r.id
    left join declaration pd on pd.id = p.declaration_id
    left join track t on t.id = r.id
    where r.kind in ('declaration', 'provision', 'track')
      and case when :subject_ids::bigint[] is null then r.id in (select subject_id from cell)
               else r.id in (select id from asked_subject) end
)
select 'cell'::text as part, c.actor_id, c.subject_id, aa.rank as actor_rank,
       sa.rank as subject_rank, c.stance_ids, c.positions, c.since_at, c.since_precision,
       c.since_until, c.party_ids, c.citation_ids, c.disputes, cardinality(c.disputes) > 0 as disputed
from cell c
join actor_axis aa on aa.id = c.actor_id
join subject_axis sa on sa.id = c.subject_id
union all
select 'actor', id, null, rank, 0, null, null, null, null, null, null, null, null, null
from actor_axis where not :cells_only::boolean
union all
select 'subject', null, id, 0, rank, null, null, null, null, null, null, null, null, null
from subject_axis where not :cells_only::boolean
