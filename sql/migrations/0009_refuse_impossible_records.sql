-- Records no source can support, which the API accepted: a membership that ends before
-- it starts, an actor that is a member of itself, a warning that repeats itself. Each
-- is now refused by a named check, which the writer turns into an INVALID error on the
-- field at fault (service/records/writer.py).
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

alter table warning add constraint warning_repeats_another
    check (repeats_warning_id is null or repeats_warning_id <> id) not valid;
