-- name: search
-- Ranked full-text hits across kinds. $1 text, $2 kinds.
with q as (select websearch_to_tsquery('english', $1) as query)
select kind, id, rank, excerpt from (
    select 'statement'::text as kind, s.id, ts_rank(s.search, q.query)::float8 as rank,
           ts_headline('english', s.quote, q.query, 'MaxFragments=1, MaxWords=30, MinWords=8') as excerpt
    from statement s, q where s.search @@ q.query
    union all
    select 'warning', w.id, ts_rank(w.search, q.query)::float8,
           ts_headline('english', w.condition || ' — ' || w.consequence, q.query,
                       'MaxFragments=1, MaxWords=30, MinWords=8')
    from warning w, q where w.search @@ q.query
    union all
    select 'declaration', d.id, ts_rank(d.search, q.query)::float8,
           ts_headline('english', d.title || coalesce(' — ' || d.summary, ''), q.query,
                       'MaxFragments=1, MaxWords=30, MinWords=8')
    from declaration d, q where d.search @@ q.query
    union all
    select 'provision', p.id, ts_rank(p.search, q.query)::float8,
           ts_headline('english', p.title || coalesce(' — ' || p.body, ''), q.query,
                       'MaxFragments=1, MaxWords=30, MinWords=8')
    from provision p, q where p.search @@ q.query
    union all
    select 'actor', a.id, ts_rank(a.search, q.query)::float8,
           ts_headline('english', a.name || coalesce(' — ' || a.summary, ''), q.query,
                       'MaxFragments=1, MaxWords=30, MinWords=8')
    from actor a, q where a.search @@ q.query
    union all
    select 'track', t.id, ts_rank(t.search, q.query)::float8,
           ts_headline('english', t.name || coalesce(' — ' || t.summary, ''), q.query,
                       'MaxFragments=1, MaxWords=30, MinWords=8')
    from track t, q where t.search @@ q.query
    union all
    select 'citation', c.id, ts_rank(c.search, q.query)::float8,
           ts_headline('english', c.quote, q.query, 'MaxFragments=1, MaxWords=30, MinWords=8')
    from citation c, q where c.search @@ q.query
) as hits
where ($2::text[] is null or kind = any($2))
