-- Indexes for the filters and orderings the API offers that 0001 left to a scan or a sort.
-- Each list is read as `select * from (list query) as t where <keyset> order by <keys>
-- limit n` (service/records/paging.py), lists under a parent one page per parent, so an
-- index on (parent, sort keys) lets PostgreSQL read a page's worth of rows. Sort keys the
-- list queries compute (`coalesce(x, '-infinity') as sort_x`) are indexed as that same
-- expression. tests/db/test_explain.py checks the main lists' plans on generated data.
-- Indexes that a wider one below now serves are dropped: every write maintains them.

-- Citations of a record (every record's `citations`) and of a source (`quotedIn`), in
-- creation order.
create index citation_subject_created on citation (subject_id, created_at, id);
drop index citation_subject;
create index citation_source_created on citation (source_id, created_at, id);
drop index citation_source;

-- Statements made on behalf of an actor, newest first, as statement_speaker_said does for
-- speakers: an actor's warnings issued and statements (speaker or on behalf) use both.
create index statement_on_behalf_said on statement (on_behalf_of_id, said_at desc, id desc);
drop index statement_on_behalf;

-- Track updates reported by an actor: the timeline filtered by actor.
create index track_update_reported_by on track_update (reported_by_id, reported_at, id);

-- Stances of an actor, toward a record, and all stances: by `since` (sort_since).
create index stance_actor_since on stance (actor_id, (coalesce(since_at, '-infinity')), id);
drop index stance_actor;
create index stance_subject_since on stance (subject_id, (coalesce(since_at, '-infinity')), id);
drop index stance_subject;
create index stance_since on stance ((coalesce(since_at, '-infinity')), id);

-- Parties of an actor, in creation order.
create index party_actor_created on party (actor_id, created_at, id);
drop index party_actor;

-- Memberships of a member and of an organisation, by start (sort_start).
create index membership_member_start
    on membership (member_id, (coalesce(start_at, '-infinity')), id);
drop index membership_member;
create index membership_organization_start
    on membership (organization_id, (coalesce(start_at, '-infinity')), id);
drop index membership_organization;

-- Sources by publication date (sort_published) and by publisher (case-insensitive).
create index source_published on source ((coalesce(published_at, '-infinity')), id);
create index source_publisher on source (lower(publisher));

-- Declarations by adoption date (sort_adopted) and by title.
create index declaration_sort_adopted on declaration ((coalesce(adopted_at, '-infinity')), id);
create index declaration_title on declaration (title, id);

-- Tracks by name.
create index track_name on track (name, id);

-- Foreign keys without an index: deleting the referenced row would scan the table.
create index warning_repeats on warning (repeats_warning_id);
create index membership_on_behalf on membership (on_behalf_of_id);
