-- Dates as intervals (issue 18). A dated field may now hold a range ("2026-01-07/
-- 2026-01-08": some moment of the 7th or the 8th) as well as one date at its precision,
-- and every list orders and filters dated items by one rule (service/record/dates.py,
-- docs/API.md "Dates"):
--   order:  by the latest instant an item may have happened, then by its earliest
--           (<name>_at), then by id, all in one direction;
--   window: an item is in [from, to) when its interval overlaps it
--           (<name>_at < to and <name>_latest >= from).
-- Sorting on the start put "2026-01" on 1 January, before the days of January it may be
-- later than, and a window missed a date that began before it.
--
-- Each dated field <name> gains two columns:
--   <name>_until   a range's last period, as its first instant, at the precision of
--                  <name>_at ("until 8 January": to the end of the 8th); null for one
--                  date. The text is written back from the columns as it was read;
--   <name>_latest  the latest instant, generated from the others by date_latest, so that
--                  lists sort and filter on a plain, indexed column.
-- The orderings' indexes are rebuilt on (latest, earliest, id).

-- The last instant (to the microsecond) of the period starting at `starts`: the end of
-- its year, month or day in UTC (dates are stored at their period's first instant in
-- UTC), or `starts` itself for a time. Computed in UTC, never in the session's time
-- zone, as service.record.dates.latest_instant does (tests/db/test_date_text.py).
create function date_latest(starts timestamptz, unit date_precision)
returns timestamptz language sql immutable parallel safe as $$
    select case unit
        when 'time' then starts
        else ((starts at time zone 'UTC') + case unit
                when 'year' then interval '1 year'
                when 'month' then interval '1 month'
                else interval '1 day'
            end - interval '1 microsecond') at time zone 'UTC'
    end
$$;

-- The columns, and a check that a range ends after it starts (`<table>_<name>_range`,
-- which the writer reports on the field: Description.named_checks). That both ends have
-- one precision is the reader's rule (service/record/dates.py).
alter table source
    add column published_until timestamptz,
    add column published_latest timestamptz generated always as
        (date_latest(coalesce(published_until, published_at), published_precision)) stored,
    add constraint source_published_range check (
        published_until is null or (published_at is not null and published_until > published_at)
    );

alter table membership
    add column start_until timestamptz,
    add column start_latest timestamptz generated always as
        (date_latest(coalesce(start_until, start_at), start_precision)) stored,
    add column end_until timestamptz,
    add column end_latest timestamptz generated always as
        (date_latest(coalesce(end_until, end_at), end_precision)) stored,
    add constraint membership_start_range
        check (start_until is null or (start_at is not null and start_until > start_at)),
    add constraint membership_end_range
        check (end_until is null or (end_at is not null and end_until > end_at));

alter table declaration
    add column adopted_until timestamptz,
    add column adopted_latest timestamptz generated always as
        (date_latest(coalesce(adopted_until, adopted_at), adopted_precision)) stored,
    add constraint declaration_adopted_range check (
        adopted_until is null or (adopted_at is not null and adopted_until > adopted_at)
    );

alter table statement
    add column said_until timestamptz,
    add column said_latest timestamptz generated always as
        (date_latest(coalesce(said_until, said_at), said_precision)) stored,
    add constraint statement_said_range
        check (said_until is null or said_until > said_at);

alter table track_update
    add column reported_until timestamptz,
    add column reported_latest timestamptz generated always as
        (date_latest(coalesce(reported_until, reported_at), reported_precision)) stored,
    add constraint track_update_reported_range
        check (reported_until is null or reported_until > reported_at);

alter table stance
    add column since_until timestamptz,
    add column since_latest timestamptz generated always as
        (date_latest(coalesce(since_until, since_at), since_precision)) stored,
    add constraint stance_since_range
        check (since_until is null or (since_at is not null and since_until > since_at));

-- A membership ends before it starts when its end's latest instant is before its start's
-- earliest: the rule of 0009 (an end's whole period over before the start's begins),
-- with ranges. NOT VALID as in 0009: rows written before are not checked.
alter table membership drop constraint membership_ends_after_start;
alter table membership add constraint membership_ends_after_start
    check (start_at is null or end_at is null or end_latest >= start_at) not valid;
drop function date_period_end(timestamptz, date_precision);

-- A warning's date (0007) follows its statement's latest instant too.
alter table warning_said add column said_latest timestamptz;
update warning_said ws set said_latest = s.said_latest
from warning w join statement s on s.id = w.statement_id
where w.id = ws.warning_id;
alter table warning_said alter column said_latest set not null;

create or replace function keep_warning_said() returns trigger language plpgsql as $$
begin
    insert into warning_said (warning_id, said_at, said_latest)
    select new.id, s.said_at, s.said_latest from statement s where s.id = new.statement_id
    on conflict (warning_id) do update
        set said_at = excluded.said_at, said_latest = excluded.said_latest;
    return null;
end;
$$;

create or replace function follow_statement_said() returns trigger language plpgsql as $$
begin
    update warning_said ws set said_at = new.said_at, said_latest = new.said_latest
    from warning w where w.statement_id = new.id and ws.warning_id = w.id;
    return null;
end;
$$;

drop trigger follow_statement_said on statement;
create trigger follow_statement_said after update of said_at, said_precision, said_until
    on statement for each row
    when (old.said_at is distinct from new.said_at
          or old.said_latest is distinct from new.said_latest)
    execute function follow_statement_said();

-- The orderings' indexes, on (latest, earliest, id): each serves its list read forwards
-- or backwards, and a window's `latest >= from` as a range of it. Undated rows sort
-- first, as -infinity, as in 0005.
drop index statement_said;
create index statement_said on statement (said_latest, said_at, id);
drop index statement_speaker_said;
create index statement_speaker_said
    on statement (speaker_id, said_latest desc, said_at desc, id desc);
drop index statement_on_behalf_said;
create index statement_on_behalf_said
    on statement (on_behalf_of_id, said_latest desc, said_at desc, id desc);

drop index warning_said_newest;
create index warning_said_newest
    on warning_said (said_latest desc, said_at desc, warning_id desc);

drop index track_update_track;
create index track_update_track on track_update (track_id, reported_latest, reported_at, id);
drop index track_update_reported;
create index track_update_reported on track_update (reported_latest, reported_at, id);
drop index track_update_reported_by;
create index track_update_reported_by
    on track_update (reported_by_id, reported_latest, reported_at, id);

drop index declaration_adopted;
create index declaration_adopted on declaration (adopted_latest, adopted_at, id);
drop index declaration_sort_adopted;
create index declaration_sort_adopted on declaration
    ((coalesce(adopted_latest, '-infinity')), (coalesce(adopted_at, '-infinity')), id);

drop index stance_actor_since;
create index stance_actor_since on stance
    (actor_id, (coalesce(since_latest, '-infinity')), (coalesce(since_at, '-infinity')), id);
drop index stance_subject_since;
create index stance_subject_since on stance
    (subject_id, (coalesce(since_latest, '-infinity')), (coalesce(since_at, '-infinity')), id);
drop index stance_since;
create index stance_since on stance
    ((coalesce(since_latest, '-infinity')), (coalesce(since_at, '-infinity')), id);

drop index membership_member_start;
create index membership_member_start on membership
    (member_id, (coalesce(start_latest, '-infinity')), (coalesce(start_at, '-infinity')), id);
drop index membership_organization_start;
create index membership_organization_start on membership
    (organization_id, (coalesce(start_latest, '-infinity')), (coalesce(start_at, '-infinity')),
     id);

drop index source_published;
create index source_published on source
    ((coalesce(published_latest, '-infinity')), (coalesce(published_at, '-infinity')), id);
