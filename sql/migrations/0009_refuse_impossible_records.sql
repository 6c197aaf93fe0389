-- Records no source can support, which the API accepted: a membership that ends before
-- it starts, an actor that is a member of itself, a warning that repeats itself. Each
-- is now refused by a named check (or a trigger failing as one), which the writer turns
-- into an INVALID error on the field at fault (service/records/writer.py).
--
-- A membership's dates have precisions: it ends before it starts only when its end's
-- whole period (a year, a month, a day) is over before its start's period begins, so
-- "started 2026-03, ended 2026" stands.
--
-- NOT VALID: rows written before are not checked (a deployment holding one would fail
-- to migrate); every row written from now on is, including an edit of such an old row.

create function date_period_end(starts timestamptz, unit date_precision)
returns timestamptz language sql immutable as $$
    select starts + case unit
        when 'year' then interval '1 year'
        when 'month' then interval '1 month'
        when 'day' then interval '1 day'
        else interval '0'
    end
$$;

alter table membership add constraint membership_ends_after_start check (
    start_at is null or end_at is null
    or end_at >= start_at or date_period_end(end_at, end_precision) > start_at
) not valid;

alter table membership add constraint membership_not_of_itself
    check (member_id <> organization_id) not valid;

-- A warning repeating itself, directly or through the warnings it repeats (A repeats B,
-- B repeats A), would make its `repeats` chain endless. A check cannot see other rows: a
-- trigger walks the chain (UNION, so a cycle written before this stops the walk) and
-- fails as a check of that name would.
create function refuse_warning_repeat_cycle() returns trigger language plpgsql as $$
begin
    if new.repeats_warning_id is not null and exists (
        with recursive chain (id) as (
            select new.repeats_warning_id
            union
            select w.repeats_warning_id
            from warning w join chain c on w.id = c.id
            where w.repeats_warning_id is not null
        )
        select 1 from chain where id = new.id
    ) then
        raise exception 'warning % would repeat itself', new.id
            using errcode = 'check_violation', constraint = 'warning_repeats_another';
    end if;
    return new;
end;
$$;

create trigger warning_repeats_no_cycle
before insert or update of repeats_warning_id on warning
for each row execute function refuse_warning_repeat_cycle();
