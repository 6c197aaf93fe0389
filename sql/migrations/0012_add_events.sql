-- Events (#18): summits, talks, meetings, calls, press conferences and visits, as dated
-- records with their participants, the documents and tracks they concern, and the
-- statements, track updates and adoptions that happened at them
-- (service/kinds/events/description.py says the same; tests/db/test_descriptions.py
-- compares the two).
--
-- The record kinds `event` and `participation` are added here but used only by the rows
-- written later (an added enum value cannot be used in the transaction that adds it):
-- the kind checks below name them as text.

alter type record_kind add value 'event';
alter type record_kind add value 'participation';

create type event_kind as enum (
    'summit', 'talks', 'meeting', 'call', 'press_conference', 'visit', 'other'
);

create type participation_role as enum ('host', 'participant', 'mediator', 'observer', 'other');

-- The description's limits (service/record/fields.py: Slug, Name, ShortText, Text) are
-- checked here too, so a row written past the API (psql, a restore) holds to them.
create table event (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique
        constraint event_slug_length check (char_length(slug) <= 120)
        constraint event_slug_check check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$'),
    kind event_kind not null,
    title text not null check (char_length(title) between 1 and 300),
    starts_at timestamptz not null,
    starts_precision date_precision not null,
    -- Dated as every dated field is since 0011: a range's last period, and the latest
    -- instant the lists order and filter by.
    starts_until timestamptz,
    starts_latest timestamptz generated always as
        (date_latest(coalesce(starts_until, starts_at), starts_precision)) stored,
    ends_at timestamptz,
    ends_precision date_precision,
    ends_until timestamptz,
    ends_latest timestamptz generated always as
        (date_latest(coalesce(ends_until, ends_at), ends_precision)) stored,
    place text check (char_length(place) <= 300),
    summary text check (char_length(summary) <= 5000),
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', title || ' ' || coalesce(place, '') || ' ' || coalesce(summary, ''))
    ) stored,
    check ((ends_at is null) = (ends_precision is null)),
    constraint event_starts_range check (starts_until is null or starts_until > starts_at),
    constraint event_ends_range
        check (ends_until is null or (ends_at is not null and ends_until > ends_at)),
    -- As a membership's period (0011): it ends before it starts only when the latest its
    -- end may be is before the start, so "6 January, ended January 2026" stands.
    constraint event_ends_after_start check (ends_at is null or ends_latest >= starts_at)
);

create trigger touch before update on event for each row execute function touch_row();

-- A claim that an actor took part in an event, in a role, with its own citations (as a
-- party to a declaration). Sources may disagree: one actor may hold two rows.
create table participation (
    id bigint primary key references record (id) on delete cascade,
    event_id bigint not null references event (id),
    actor_id bigint not null references actor (id),
    role participation_role not null,
    note text check (char_length(note) <= 5000),
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (event_id, actor_id, role)
);

create trigger touch before update on participation for each row execute function touch_row();

-- The declarations, provisions and tracks an event concerns.
create table event_subject (
    event_id bigint not null references event (id) on delete cascade,
    subject_id bigint not null references record (id),
    primary key (event_id, subject_id)
);

create trigger event_subject_subject_id_kind
before insert or update of subject_id on event_subject
for each row execute function refuse_wrong_kind('subject_id', 'declaration', 'provision', 'track');

-- The event a statement was made at, a track update reported at, a document adopted at.
alter table statement add column event_id bigint references event (id);
alter table track_update add column event_id bigint references event (id);
alter table declaration add column event_id bigint references event (id);

-- Indexes for every ordering and filter the API offers (and the foreign keys, which a
-- delete of an event would otherwise check by scanning).
create index event_starts on event (starts_latest, starts_at, id);
create index event_search on event using gin (search) with (fastupdate = off);
create index event_subject_subject on event_subject (subject_id);
create index participation_event on participation (event_id);
create index participation_actor on participation (actor_id);
create index statement_event_said on statement (event_id, said_latest, said_at, id)
    where event_id is not null;
create index track_update_event_reported
    on track_update (event_id, reported_latest, reported_at, id) where event_id is not null;
create index declaration_event_adopted on declaration
    (event_id, (coalesce(adopted_latest, '-infinity')), (coalesce(adopted_at, '-infinity')), id)
    where event_id is not null;
