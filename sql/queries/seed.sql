-- The seed loader and exporter (service/seeds/). Column lists here must match the
-- KindSpec columns in service/seeds/tables.py: insert and update take the id as $1 and the
-- spec's columns, in order, as $2...; every query returns id, the columns, version,
-- created_at and updated_at (never the generated `search` column).

-- name: is_empty
select not exists (select from record) as empty

-- name: select_sources
select
    id, slug, url, publisher, title, kind, language, published_at, published_precision,
    retrieved_at, version, created_at, updated_at
from source
where slug = any($1::text[])
order by id

-- name: list_sources
select
    id, slug, url, publisher, title, kind, language, published_at, published_precision,
    retrieved_at, version, created_at, updated_at
from source
order by id

-- name: insert_source
insert into source (
    id, slug, url, publisher, title, kind, language, published_at, published_precision,
    retrieved_at
) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
)
returning
    id, slug, url, publisher, title, kind, language, published_at, published_precision,
    retrieved_at, version, created_at, updated_at

-- name: update_source
update source set
    slug = $2, url = $3, publisher = $4, title = $5, kind = $6, language = $7,
    published_at = $8, published_precision = $9, retrieved_at = $10
where id = $1
returning
    id, slug, url, publisher, title, kind, language, published_at, published_precision,
    retrieved_at, version, created_at, updated_at

-- name: select_actors
select
    id, slug, kind, name, aliases, country_code, wikidata_id, summary, version, created_at,
    updated_at
from actor
where slug = any($1::text[])
order by id

-- name: list_actors
select
    id, slug, kind, name, aliases, country_code, wikidata_id, summary, version, created_at,
    updated_at
from actor
order by id

-- name: insert_actor
insert into actor (
    id, slug, kind, name, aliases, country_code, wikidata_id, summary
) values (
    $1, $2, $3, $4, $5, $6, $7, $8
)
returning
    id, slug, kind, name, aliases, country_code, wikidata_id, summary, version, created_at,
    updated_at

-- name: update_actor
update actor set
    slug = $2, kind = $3, name = $4, aliases = $5, country_code = $6, wikidata_id = $7,
    summary = $8
where id = $1
returning
    id, slug, kind, name, aliases, country_code, wikidata_id, summary, version, created_at,
    updated_at

-- name: select_memberships
select
    id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
    end_at, end_precision, version, created_at, updated_at
from membership
where member_id = any($1::bigint[])
order by id

-- name: list_memberships
select
    id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
    end_at, end_precision, version, created_at, updated_at
from membership
order by id

-- name: insert_membership
insert into membership (
    id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
    end_at, end_precision
) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9
)
returning
    id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
    end_at, end_precision, version, created_at, updated_at

-- name: update_membership
update membership set
    member_id = $2, organization_id = $3, role = $4, on_behalf_of_id = $5, start_at = $6,
    start_precision = $7, end_at = $8, end_precision = $9
where id = $1
returning
    id, member_id, organization_id, role, on_behalf_of_id, start_at, start_precision,
    end_at, end_precision, version, created_at, updated_at

-- name: select_declarations
select
    id, slug, title, short_name, kind, status, adopted_at, adopted_precision,
    adopted_place, binding, summary, version, created_at, updated_at
from declaration
where slug = any($1::text[])
order by id

-- name: list_declarations
select
    id, slug, title, short_name, kind, status, adopted_at, adopted_precision,
    adopted_place, binding, summary, version, created_at, updated_at
from declaration
order by id

-- name: insert_declaration
insert into declaration (
    id, slug, title, short_name, kind, status, adopted_at, adopted_precision,
    adopted_place, binding, summary
) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
)
returning
    id, slug, title, short_name, kind, status, adopted_at, adopted_precision,
    adopted_place, binding, summary, version, created_at, updated_at

-- name: update_declaration
update declaration set
    slug = $2, title = $3, short_name = $4, kind = $5, status = $6, adopted_at = $7,
    adopted_precision = $8, adopted_place = $9, binding = $10, summary = $11
where id = $1
returning
    id, slug, title, short_name, kind, status, adopted_at, adopted_precision,
    adopted_place, binding, summary, version, created_at, updated_at

-- name: select_provisions
select
    id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at
from provision
where slug = any($1::text[])
order by id

-- name: list_provisions
select
    id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at
from provision
order by id

-- name: insert_provision
insert into provision (
    id, slug, declaration_id, position, topic, title, body
) values (
    $1, $2, $3, $4, $5, $6, $7
)
returning
    id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at

-- name: update_provision
update provision set
    slug = $2, declaration_id = $3, position = $4, topic = $5, title = $6, body = $7
where id = $1
returning
    id, slug, declaration_id, position, topic, title, body, version, created_at, updated_at

-- name: select_parties
select
    id, declaration_id, actor_id, role, note, version, created_at, updated_at
from party
where declaration_id = any($1::bigint[])
order by id

-- name: list_parties
select
    id, declaration_id, actor_id, role, note, version, created_at, updated_at
from party
order by id

-- name: insert_party
insert into party (
    id, declaration_id, actor_id, role, note
) values (
    $1, $2, $3, $4, $5
)
returning
    id, declaration_id, actor_id, role, note, version, created_at, updated_at

-- name: update_party
update party set
    declaration_id = $2, actor_id = $3, role = $4, note = $5
where id = $1
returning
    id, declaration_id, actor_id, role, note, version, created_at, updated_at

-- name: select_tracks
select
    id, slug, name, summary, version, created_at, updated_at
from track
where slug = any($1::text[])
order by id

-- name: list_tracks
select
    id, slug, name, summary, version, created_at, updated_at
from track
order by id

-- name: insert_track
insert into track (
    id, slug, name, summary
) values (
    $1, $2, $3, $4
)
returning
    id, slug, name, summary, version, created_at, updated_at

-- name: update_track
update track set
    slug = $2, name = $3, summary = $4
where id = $1
returning
    id, slug, name, summary, version, created_at, updated_at

-- name: select_statements
select
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary, version, created_at, updated_at
from statement
where slug = any($1::text[])
order by id

-- name: list_statements
select
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary, version, created_at, updated_at
from statement
order by id

-- name: insert_statement
insert into statement (
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary
) values (
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
)
returning
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary, version, created_at, updated_at

-- name: update_statement
update statement set
    slug = $2, speaker_id = $3, on_behalf_of_id = $4, said_at = $5, said_precision = $6,
    channel = $7, place = $8, quote = $9, language = $10, event_code = $11, summary = $12
where id = $1
returning
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary, version, created_at, updated_at

-- name: touch_statement
-- Only its links changed: the update trigger still bumps version and updated_at.
update statement set updated_at = now()
where id = $1
returning
    id, slug, speaker_id, on_behalf_of_id, said_at, said_precision, channel, place, quote,
    language, event_code, summary, version, created_at, updated_at

-- name: select_warnings
select
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id,
    version, created_at, updated_at
from warning
where slug = any($1::text[])
order by id

-- name: list_warnings
select
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id,
    version, created_at, updated_at
from warning
order by id

-- name: insert_warning
insert into warning (
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id
) values (
    $1, $2, $3, $4, $5, $6, $7
)
returning
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id,
    version, created_at, updated_at

-- name: update_warning
update warning set
    slug = $2, statement_id = $3, condition = $4, consequence = $5, repeats_earlier = $6,
    repeats_warning_id = $7
where id = $1
returning
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id,
    version, created_at, updated_at

-- name: touch_warning
-- Only its links changed: the update trigger still bumps version and updated_at.
update warning set updated_at = now()
where id = $1
returning
    id, slug, statement_id, condition, consequence, repeats_earlier, repeats_warning_id,
    version, created_at, updated_at

-- name: select_track_updates
select
    id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
    summary, version, created_at, updated_at
from track_update
where track_id = any($1::bigint[])
order by id

-- name: list_track_updates
select
    id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
    summary, version, created_at, updated_at
from track_update
order by id

-- name: insert_track_update
insert into track_update (
    id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
    summary
) values (
    $1, $2, $3, $4, $5, $6, $7, $8
)
returning
    id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
    summary, version, created_at, updated_at

-- name: update_track_update
update track_update set
    track_id = $2, status = $3, reported_at = $4, reported_precision = $5,
    reported_by_id = $6, statement_id = $7, summary = $8
where id = $1
returning
    id, track_id, status, reported_at, reported_precision, reported_by_id, statement_id,
    summary, version, created_at, updated_at

-- name: select_stances
select
    id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
    version, created_at, updated_at
from stance
where actor_id = any($1::bigint[])
order by id

-- name: list_stances
select
    id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
    version, created_at, updated_at
from stance
order by id

-- name: insert_stance
insert into stance (
    id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary
) values (
    $1, $2, $3, $4, $5, $6, $7, $8
)
returning
    id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
    version, created_at, updated_at

-- name: update_stance
update stance set
    actor_id = $2, subject_id = $3, position = $4, since_at = $5, since_precision = $6,
    statement_id = $7, summary = $8
where id = $1
returning
    id, actor_id, subject_id, position, since_at, since_precision, statement_id, summary,
    version, created_at, updated_at

-- name: select_citations
select
    id, subject_id, source_id, quote, quote_language, field, claimed_value, note, version,
    created_at, updated_at
from citation
where subject_id = any($1::bigint[])
order by id

-- name: list_citations
select
    id, subject_id, source_id, quote, quote_language, field, claimed_value, note, version,
    created_at, updated_at
from citation
order by id

-- name: insert_citation
insert into citation (
    id, subject_id, source_id, quote, quote_language, field, claimed_value, note
) values (
    $1, $2, $3, $4, $5, $6, $7, $8
)
returning
    id, subject_id, source_id, quote, quote_language, field, claimed_value, note, version,
    created_at, updated_at

-- name: update_citation
update citation set
    subject_id = $2, source_id = $3, quote = $4, quote_language = $5, field = $6,
    claimed_value = $7, note = $8
where id = $1
returning
    id, subject_id, source_id, quote, quote_language, field, claimed_value, note, version,
    created_at, updated_at

-- name: select_statement_subject_links
select statement_id as owner_id, subject_id as target_id
from statement_subject
where statement_id = any($1::bigint[])

-- name: list_statement_subject_links
select statement_id as owner_id, subject_id as target_id
from statement_subject
order by statement_id, subject_id

-- name: insert_statement_subject_links
insert into statement_subject (statement_id, subject_id)
select $1, unnest($2::bigint[])

-- name: delete_statement_subject_links
delete from statement_subject
where statement_id = $1 and subject_id = any($2::bigint[])

-- name: select_warning_target_links
select warning_id as owner_id, actor_id as target_id
from warning_target
where warning_id = any($1::bigint[])

-- name: list_warning_target_links
select warning_id as owner_id, actor_id as target_id
from warning_target
order by warning_id, actor_id

-- name: insert_warning_target_links
insert into warning_target (warning_id, actor_id)
select $1, unnest($2::bigint[])

-- name: delete_warning_target_links
delete from warning_target
where warning_id = $1 and actor_id = any($2::bigint[])

-- name: select_warning_answer_links
select warning_id as owner_id, subject_id as target_id
from warning_answer
where warning_id = any($1::bigint[])

-- name: list_warning_answer_links
select warning_id as owner_id, subject_id as target_id
from warning_answer
order by warning_id, subject_id

-- name: insert_warning_answer_links
insert into warning_answer (warning_id, subject_id)
select $1, unnest($2::bigint[])

-- name: delete_warning_answer_links
delete from warning_answer
where warning_id = $1 and subject_id = any($2::bigint[])
