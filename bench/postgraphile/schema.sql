-- What PostGraphile needs beyond our tables to answer the benchmark's timeline, search and
-- mutations: SQL functions, the way PostGraphile apps add custom queries and mutations.
-- It lives in its own schema, `bench_pg`, created only in the benchmark's database when
-- PostGraphile starts; our tables and migrations are untouched. Each read function
-- runs the same SQL as our service's named query (sql/queries/timeline.sql, search.sql)
-- with no filter; each write function the same writes as our createActor, updateActor and
-- deleteActor (record, actor, change), without their validation layer.

create schema bench_pg;

-- Row types of the functions' results. They are tables only so that their foreign keys give
-- PostGraphile the relations from an entry or a hit to the record it stands for; they stay
-- empty.
create table bench_pg.timeline_entry (
    kind text not null,
    at timestamptz not null,
    id bigint not null,
    statement_id bigint references statement (id),
    warning_id bigint references warning (id),
    track_update_id bigint references track_update (id),
    declaration_id bigint references declaration (id),
    event_id bigint references event (id)
);

create table bench_pg.search_hit (
    kind text not null,
    id bigint not null,
    rank float8 not null,
    excerpt text not null,
    statement_id bigint references statement (id),
    warning_id bigint references warning (id),
    declaration_id bigint references declaration (id),
    provision_id bigint references provision (id),
    actor_id bigint references actor (id),
    track_id bigint references track (id),
    citation_id bigint references citation (id),
    event_id bigint references event (id)
);

-- Newest first, as our `timeline` orders by default (latest desc, at desc, kind desc, id
-- desc: the one order of dated items). A `language sql` `stable` function is inlined by
-- PostgreSQL, so PostGraphile's `limit` reaches the union.
create function bench_pg.timeline() returns setof bench_pg.timeline_entry
language sql stable as $$
    select item_kind, at, id,
           case when item_kind = 'statement' then id end,
           case when item_kind = 'warning' then id end,
           case when item_kind = 'track_update' then id end,
           case when item_kind = 'declaration' then id end,
           case when item_kind = 'event' then id end
    from (
        select 'statement'::text as item_kind, s.id, s.said_at as at, s.said_latest as latest
        from statement s
        union all
        select 'warning', w.id, s.said_at, s.said_latest
        from warning w join statement s on s.id = w.statement_id
        union all
        select 'track_update', u.id, u.reported_at, u.reported_latest from track_update u
        union all
        select 'declaration', d.id, d.adopted_at, d.adopted_latest
        from declaration d where d.adopted_at is not null
        union all
        select 'event', e.id, e.starts_at, e.starts_latest from event e
    ) as items
    order by latest desc, at desc, item_kind desc, id desc
$$;

-- Best match first, as our `search` orders (rank desc, kind, id); same ranks and excerpts.
create function bench_pg.search(text text) returns setof bench_pg.search_hit
language sql stable as $$
    with q as (select websearch_to_tsquery('english', search.text) as query)
    select kind, id, rank, excerpt,
           case when kind = 'statement' then id end,
           case when kind = 'warning' then id end,
           case when kind = 'declaration' then id end,
           case when kind = 'provision' then id end,
           case when kind = 'actor' then id end,
           case when kind = 'track' then id end,
           case when kind = 'citation' then id end,
           case when kind = 'event' then id end
    from (
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
        union all
        select 'event', e.id, ts_rank(e.search, q.query)::float8,
               ts_headline('english', e.title || coalesce(' — ' || e.place, '')
                           || coalesce(' — ' || e.summary, ''), q.query,
                           'MaxFragments=1, MaxWords=30, MinWords=8')
        from event e, q where e.search @@ q.query
    ) as hits
    order by rank desc, kind, id
$$;

-- createActor's writes: a global id, the actor, and its change (whose trigger NOTIFYs).
create function bench_pg.add_actor(slug text, kind actor_kind, name text, summary text)
returns actor language plpgsql volatile as $$
declare
    created actor;
    new_id bigint;
begin
    insert into record (kind) values ('actor') returning id into new_id;
    insert into actor (id, slug, kind, name, summary)
    values (new_id, add_actor.slug, add_actor.kind, add_actor.name, add_actor.summary)
    returning * into created;
    insert into change (record_id, kind, operation, version, actor_name, before, after)
    values (new_id, 'actor', 'create', created.version, 'bench', null,
            to_jsonb(created) - 'search');
    return created;
end;
$$;

-- updateActor's work: lock the row, refuse a stale version, update it (the `touch` trigger
-- bumps version and updated_at), and its change with both snapshots.
create function bench_pg.update_actor(id bigint, expected_version integer, summary text)
returns actor language plpgsql volatile as $$
declare
    before actor;
    after actor;
begin
    select * into before from actor where actor.id = update_actor.id for update;
    if not found then
        raise exception 'no actor with this id';
    end if;
    if before.version <> update_actor.expected_version then
        raise exception 'actor is at version %, not %', before.version,
            update_actor.expected_version;
    end if;
    update actor set summary = update_actor.summary where actor.id = update_actor.id
    returning * into after;
    insert into change (record_id, kind, operation, version, actor_name, before, after)
    values (after.id, 'actor', 'update', after.version, 'bench', to_jsonb(before) - 'search',
            to_jsonb(after) - 'search');
    return after;
end;
$$;

-- deleteActor's work: lock the row, refuse a stale version, delete the record (the actor
-- row goes with it: on delete cascade), and its change with the last snapshot.
create function bench_pg.delete_actor(id bigint, expected_version integer)
returns bigint language plpgsql volatile as $$
declare
    before actor;
begin
    select * into before from actor where actor.id = delete_actor.id for update;
    if not found then
        raise exception 'no actor with this id';
    end if;
    if before.version <> delete_actor.expected_version then
        raise exception 'actor is at version %, not %', before.version,
            delete_actor.expected_version;
    end if;
    delete from record where record.id = delete_actor.id and record.kind = 'actor';
    insert into change (record_id, kind, operation, version, actor_name, before, after)
    values (before.id, 'actor', 'delete', before.version, 'bench', to_jsonb(before) - 'search',
            null);
    return before.id;
end;
$$;
