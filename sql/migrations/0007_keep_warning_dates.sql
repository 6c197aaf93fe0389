-- A warning is dated by its statement. Lists of warnings newest first (`warnings`, an
-- actor's `warningsIssued`, the timeline's warnings) walked the statements by date and
-- probed each one for a warning: about ten statements per warning at the benchmark's
-- scale, 0.5 ms of the warnings page. `warning_said` keeps each warning's date beside its
-- id, indexed newest first, so a page reads as many rows as it shows.
--
-- Triggers keep it: when a warning is made or moved to another statement, and when a
-- statement's date changes. It is a table of its own, not a column of `warning`: a change
-- to a statement does not become an edit of its warnings (their version and history stay
-- those of their own edits).

create table warning_said (
    warning_id bigint primary key references warning (id) on delete cascade,
    said_at timestamptz not null
);

insert into warning_said (warning_id, said_at)
select w.id, s.said_at from warning w join statement s on s.id = w.statement_id;

create index warning_said_newest on warning_said (said_at desc, warning_id desc);

create function keep_warning_said() returns trigger language plpgsql as $$
begin
    insert into warning_said (warning_id, said_at)
    select new.id, s.said_at from statement s where s.id = new.statement_id
    on conflict (warning_id) do update set said_at = excluded.said_at;
    return null;
end;
$$;

create trigger keep_warning_said after insert or update of statement_id on warning
    for each row execute function keep_warning_said();

create function follow_statement_said() returns trigger language plpgsql as $$
begin
    update warning_said ws set said_at = new.said_at
    from warning w where w.statement_id = new.id and ws.warning_id = w.id;
    return null;
end;
$$;

create trigger follow_statement_said after update of said_at on statement
    for each row when (old.said_at is distinct from new.said_at)
    execute function follow_statement_said();
