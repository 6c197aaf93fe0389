-- The position record: who said what, when, where, about which document or clause,
-- which source says so and with which quote. Every record has a row in `record`, whose
-- id is global across kinds: citations, stances, subjects and history point at it.

create type record_kind as enum (
    'source', 'actor', 'membership', 'declaration', 'provision', 'party',
    'statement', 'warning', 'track', 'track_update', 'stance', 'citation'
);

-- Wikidata's precisions (year = 9, month = 10, day = 11) plus a known time of day.
create type date_precision as enum ('year', 'month', 'day', 'time');

create type source_kind as enum (
    'news_article', 'official_website', 'social_post', 'press_conference', 'wire',
    'official_document', 'interview', 'other'
);

create type actor_kind as enum (
    'state', 'government_body', 'person', 'coalition', 'international_organisation',
    'armed_force', 'other'
);

create type declaration_kind as enum (
    'joint_declaration', 'declaration_of_intent', 'bilateral_agreement', 'plan', 'framework',
    'treaty', 'other'
);

create type declaration_status as enum (
    'draft', 'under_negotiation', 'ready_for_signature', 'signed', 'in_force', 'suspended',
    'withdrawn'
);

create type binding_nature as enum ('legally_binding', 'politically_binding', 'non_binding', 'unknown');

create type provision_topic as enum (
    'ceasefire_monitoring', 'military_support', 'multinational_force', 'security_guarantee',
    'military_infrastructure', 'defence_cooperation', 'economic', 'legal_framework', 'other'
);

create type party_role as enum ('signatory', 'endorser', 'participant_non_signatory', 'third_party');

create type channel as enum (
    'telegram', 'x', 'website', 'press_conference', 'interview', 'speech', 'briefing',
    'statement', 'other'
);

create type track_status as enum (
    'proposed', 'negotiating', 'progress_reported', 'text_ready', 'ready_for_finalisation',
    'signed', 'in_force', 'stalled', 'abandoned'
);

create type stance_position as enum ('supports', 'opposes', 'conditional', 'rejects', 'neutral');

create table record (
    id bigint generated always as identity primary key,
    kind record_kind not null
);

create table source (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    url text not null,
    publisher text not null,
    title text,
    kind source_kind not null,
    language text not null default 'en',
    published_at timestamptz,
    published_precision date_precision,
    retrieved_at timestamptz,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('simple', coalesce(title, '') || ' ' || publisher)
    ) stored,
    check ((published_at is null) = (published_precision is null))
);

create table actor (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    kind actor_kind not null,
    name text not null,
    aliases text[] not null default '{}',
    country_code char(2) check (country_code ~ '^[A-Z]{2}$'),
    wikidata_id text check (wikidata_id ~ '^Q[0-9]+$'),
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', name || ' ' || coalesce(summary, ''))
    ) stored
);

-- Popolo's Membership: a person (or body) holds a role in an organisation, possibly on
-- behalf of another (a spokesperson of a ministry speaking for a state).
create table membership (
    id bigint primary key references record (id) on delete cascade,
    member_id bigint not null references actor (id),
    organization_id bigint not null references actor (id),
    role text not null,
    on_behalf_of_id bigint references actor (id),
    start_at timestamptz,
    start_precision date_precision,
    end_at timestamptz,
    end_precision date_precision,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (member_id, organization_id, role)
);

create table declaration (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    title text not null,
    short_name text,
    kind declaration_kind not null,
    status declaration_status not null,
    adopted_at timestamptz,
    adopted_precision date_precision,
    adopted_place text,
    binding binding_nature not null default 'unknown',
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', title || ' ' || coalesce(short_name, '') || ' ' || coalesce(summary, ''))
    ) stored
);

create table provision (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    declaration_id bigint not null references declaration (id),
    position integer not null check (position >= 1),
    topic provision_topic not null,
    title text not null,
    body text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', title || ' ' || coalesce(body, ''))
    ) stored,
    unique (declaration_id, position)
);

-- A claim that an actor takes part in a declaration in a role. Sources may disagree: the
-- same actor can hold two rows with different roles, each with its own citations.
create table party (
    id bigint primary key references record (id) on delete cascade,
    declaration_id bigint not null references declaration (id),
    actor_id bigint not null references actor (id),
    role party_role not null,
    note text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (declaration_id, actor_id, role)
);

create table statement (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    speaker_id bigint not null references actor (id),
    on_behalf_of_id bigint references actor (id),
    said_at timestamptz not null,
    said_precision date_precision not null,
    channel channel not null,
    place text,
    quote text not null,
    language text not null default 'en',
    event_code text check (event_code ~ '^[0-9]{2,4}$'),
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', quote || ' ' || coalesce(summary, ''))
    ) stored
);

-- What a statement is about: actors, declarations, provisions, tracks.
create table statement_subject (
    statement_id bigint not null references statement (id) on delete cascade,
    subject_id bigint not null references record (id),
    primary key (statement_id, subject_id)
);

create table warning (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    statement_id bigint not null references statement (id),
    condition text not null,
    consequence text not null,
    repeats_earlier boolean not null default false,
    repeats_warning_id bigint references warning (id),
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', condition || ' ' || consequence)
    ) stored
);

create table warning_target (
    warning_id bigint not null references warning (id) on delete cascade,
    actor_id bigint not null references actor (id),
    primary key (warning_id, actor_id)
);

-- The declarations or provisions a warning answers.
create table warning_answer (
    warning_id bigint not null references warning (id) on delete cascade,
    subject_id bigint not null references record (id),
    primary key (warning_id, subject_id)
);

create table track (
    id bigint primary key references record (id) on delete cascade,
    slug text not null unique,
    name text not null,
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (
        to_tsvector('english', name || ' ' || coalesce(summary, ''))
    ) stored
);

create table track_update (
    id bigint primary key references record (id) on delete cascade,
    track_id bigint not null references track (id),
    status track_status not null,
    reported_at timestamptz not null,
    reported_precision date_precision not null,
    reported_by_id bigint references actor (id),
    statement_id bigint references statement (id),
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table stance (
    id bigint primary key references record (id) on delete cascade,
    actor_id bigint not null references actor (id),
    subject_id bigint not null references record (id),
    position stance_position not null,
    since_at timestamptz,
    since_precision date_precision,
    statement_id bigint references statement (id),
    summary text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- A source backing a claim about a record, with the exact quote. `field` and
-- `claimed_value` say which attribute the source speaks to and what it says, so two
-- sources that disagree (a date, a speaker, a translation) stay side by side.
create table citation (
    id bigint primary key references record (id) on delete cascade,
    subject_id bigint not null references record (id) on delete cascade,
    source_id bigint not null references source (id),
    quote text not null,
    quote_language text not null default 'en',
    field text check (field ~ '^[a-z_]+$'),
    claimed_value text,
    note text,
    version integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    search tsvector generated always as (to_tsvector('english', quote)) stored
);

-- Every write, in the transaction that made it: who, when, what, before and after.
create table change (
    id bigint generated always as identity primary key,
    record_id bigint not null,
    kind record_kind not null,
    operation text not null check (operation in ('create', 'update', 'delete')),
    version integer not null,
    actor_name text not null,
    changed_at timestamptz not null default now(),
    before jsonb,
    after jsonb
);

do $$
declare t text;
begin
    foreach t in array array['source', 'actor', 'membership', 'declaration', 'provision',
        'party', 'statement', 'warning', 'track', 'track_update', 'stance', 'citation']
    loop
        execute format('create trigger touch before update on %I for each row execute function touch_row()', t);
    end loop;
end;
$$;

-- Indexes for every filter, join and ordering the API offers.
create index membership_member on membership (member_id);
create index membership_organization on membership (organization_id);
create index actor_kind_name on actor (kind, name, id);
create index actor_name on actor (name, id);
create index actor_search on actor using gin (search);
create index source_search on source using gin (search);
create index declaration_adopted on declaration (adopted_at, id);
create index declaration_search on declaration using gin (search);
create index provision_search on provision using gin (search);
create index party_declaration on party (declaration_id);
create index party_actor on party (actor_id);
create index statement_speaker_said on statement (speaker_id, said_at desc, id desc);
create index statement_on_behalf on statement (on_behalf_of_id);
create index statement_said on statement (said_at, id);
create index statement_search on statement using gin (search);
create index statement_subject_subject on statement_subject (subject_id);
create index warning_statement on warning (statement_id);
create index warning_search on warning using gin (search);
create index warning_target_actor on warning_target (actor_id);
create index warning_answer_subject on warning_answer (subject_id);
create index track_update_track on track_update (track_id, reported_at, id);
create index track_update_reported on track_update (reported_at, id);
create index track_update_statement on track_update (statement_id);
create index stance_actor on stance (actor_id);
create index stance_subject on stance (subject_id);
create index stance_statement on stance (statement_id);
create index citation_subject on citation (subject_id);
create index citation_source on citation (source_id);
create index citation_search on citation using gin (search);
create index change_record on change (record_id, id);
create index change_kind on change (kind, id);
create index track_search on track using gin (search);
