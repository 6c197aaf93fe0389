-- name: search
-- Ranked full-text hits across kinds. :text, :kinds.
-- Only what ranks and pages the hits: their excerpts (ts_headline, by far the costliest
-- part) are made by `search_excerpts` for the rows of one page.
with q as (select websearch_to_tsquery('english', :text) as query)
select kind, id, rank from (
    select 'statement'::text as kind, s.id, ts_rank(s.search, q.query)::float8 as rank
    from statement s, q where s.search @@ q.query
    union all
    select 'warning', w.id, ts_rank(w.search, q.query)::float8
    from warning w, q where w.search @@ q.query
    union all
    select 'declaration', d.id, ts_rank(d.search, q.query)::float8
    from declaration d, q where d.search @@ q.query
    union all
    select 'provision', p.id, ts_rank(p.search, q.query)::float8
    from provision p, q where p.search @@ q.query
    union all
    select 'actor', a.id, ts_rank(a.search, q.query)::float8
    from actor a, q where a.search @@ q.query
    union all
    select 'track', t.id, ts_rank(t.search, q.query)::float8
    from track t, q where t.search @@ q.query
    union all
    select 'citation', c.id, ts_rank(c.search, q.query)::float8
    from citation c, q where c.search @@ q.query
    union all
    select 'event', e.id, ts_rank(e.search, q.query)::float8
    from event e, q where e.search @@ q.query
) as hits
where (:kinds::text[] is null or kind = any(:kinds))

-- name: search_excerpts
-- One page of `search` with each hit's excerpt. The pager provides the page as `page`
-- (kind, id, rank) and the same parameters (:text). CASE runs only the subquery of the
-- hit's kind, so ts_headline runs once per row of the page.
select page.kind, page.id, page.rank,
       case page.kind
           when 'statement' then (
               -- A statement no source gives the words of has only its summary.
               select ts_headline('english', coalesce(s.quote, s.summary), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from statement s where s.id = page.id)
           when 'warning' then (
               select ts_headline('english', w.condition || ' — ' || w.consequence, q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from warning w where w.id = page.id)
           when 'declaration' then (
               select ts_headline('english', d.title || coalesce(' — ' || d.summary, ''), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from declaration d where d.id = page.id)
           when 'provision' then (
               select ts_headline('english', p.title || coalesce(' — ' || p.body, ''), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from provision p where p.id = page.id)
           when 'actor' then (
               select ts_headline('english', a.name || coalesce(' — ' || a.summary, ''), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from actor a where a.id = page.id)
           when 'track' then (
               select ts_headline('english', t.name || coalesce(' — ' || t.summary, ''), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from track t where t.id = page.id)
           when 'citation' then (
               select ts_headline('english', c.quote, q.query, 'MaxFragments=1, MaxWords=30, MinWords=8')
               from citation c where c.id = page.id)
           when 'event' then (
               select ts_headline('english', e.title || coalesce(' — ' || e.place, '')
                                  || coalesce(' — ' || e.summary, ''), q.query,
                                  'MaxFragments=1, MaxWords=30, MinWords=8')
               from event e where e.id = page.id)
       end as excerpt
from page, websearch_to_tsquery('english', :text) as q (query)
