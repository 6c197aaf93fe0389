-- The record says what each source says, what the editors inferred, and what they note.
--
-- A citation says its basis: `verbatim` (the source's own words), `paraphrase` (the
-- editors' summary of what the source reports) or `inferred` (no source says it: the
-- editors inferred it, and the note says why). A citation may back one link of its
-- record (`target_id`: a statement's subject, a warning's target or the document it
-- answers, what an event concerns), and may be a translation (`translated_from`). Existing citations were all
-- presented as the source's exact words: they stay `verbatim` until corrected.
create type citation_basis as enum ('verbatim', 'paraphrase', 'inferred');

alter table citation
    add column basis citation_basis not null default 'verbatim',
    add column target_id bigint references record (id) on delete cascade,
    add column translated_from text,
    alter column source_id drop not null,
    alter column quote drop not null,
    add constraint citation_source_basis check ((source_id is null) = (basis = 'inferred')),
    add constraint citation_quote_basis check ((quote is null) = (basis = 'inferred')),
    add constraint citation_inferred_note check (basis <> 'inferred' or note is not null),
    add constraint citation_target_field check (target_id is null or field is not null),
    add constraint citation_translated_from_check
        check (translated_from ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');

create index citation_target on citation (target_id) where target_id is not null;

-- The text of a source, where the record holds it: a verbatim quote of that source must
-- be found in it (runs of spaces, tabs and line breaks count as one space), checked on
-- every write of either side.
alter table source add column text text;

create function normalized_words(text) returns text immutable strict parallel safe language sql
as $$ select btrim(regexp_replace($1, '[ \t\n\r\f\v]+', ' ', 'g'), ' ') $$;

create function refuse_quote_not_in_source() returns trigger language plpgsql as $$
declare
    source_text text;
begin
    if new.basis <> 'verbatim' then
        return new;
    end if;
    select s.text into source_text from source s where s.id = new.source_id;
    if source_text is not null
       and strpos(normalized_words(source_text), normalized_words(new.quote)) = 0 then
        raise exception 'a verbatim quote must be the source''s own words, and the record '
                        'holds this source''s text: the quote is not in it'
            using errcode = 'check_violation', constraint = 'citation_quote_in_source';
    end if;
    return new;
end;
$$;

create trigger citation_quote_in_source
before insert or update of quote, source_id, basis on citation
for each row execute function refuse_quote_not_in_source();

create function refuse_text_without_its_quotes() returns trigger language plpgsql as $$
begin
    if new.text is not null and exists (
        select 1 from citation c
        where c.source_id = new.id and c.basis = 'verbatim'
          and strpos(normalized_words(new.text), normalized_words(c.quote)) = 0
    ) then
        raise exception 'verbatim quotes of this source are not in this text: correct them '
                        '(or their basis) first'
            using errcode = 'check_violation', constraint = 'source_text_holds_its_quotes';
    end if;
    return new;
end;
$$;

create trigger source_text_holds_its_quotes
before insert or update of text on source
for each row execute function refuse_text_without_its_quotes();

-- A citation of a link backs a link that exists when it is written: `field` names the
-- link set of its record's kind, `target_id` the linked record.
create function refuse_citation_of_no_link() returns trigger language plpgsql as $$
declare
    linked boolean;
begin
    if new.target_id is null then
        return new;
    end if;
    linked := case new.field
        when 'about' then exists (select 1 from statement_subject l
            where l.statement_id = new.subject_id and l.subject_id = new.target_id)
        when 'targets' then exists (select 1 from warning_target l
            where l.warning_id = new.subject_id and l.actor_id = new.target_id)
        when 'answers' then exists (select 1 from warning_answer l
            where l.warning_id = new.subject_id and l.subject_id = new.target_id)
        when 'concerns' then exists (select 1 from event_subject l
            where l.event_id = new.subject_id and l.subject_id = new.target_id)
        else false
    end;
    if not linked then
        raise exception 'the cited record has no `%` link to this target', new.field
            using errcode = 'check_violation', constraint = 'citation_target_is_linked';
    end if;
    return new;
end;
$$;

create trigger citation_target_is_linked
before insert or update of subject_id, field, target_id on citation
for each row execute function refuse_citation_of_no_link();

-- Several channels where sources report several (Telegram and the Ministry's website).
-- `channel` stays, the first of them, for the deprecated field and its readers.
alter table statement add column channels channel[];
update statement set channels = array[channel];
alter table statement
    alter column channels set not null,
    add constraint statement_channels_check
        check (cardinality(channels) between 1 and 9 and array_position(channels, null) is null),
    drop column channel;
alter table statement add column channel channel generated always as (channels[1]) stored;

-- A statement whose words no source gives has no quote, only the editors' summary; a
-- quote kept in translation says from which language.
alter table statement
    alter column quote drop not null,
    add constraint statement_quote_or_summary check (quote is not null or summary is not null),
    add column translated_from text
        check (translated_from ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
alter table statement drop column search;
alter table statement add column search tsvector generated always as (
    to_tsvector('english', coalesce(quote, '') || ' ' || coalesce(summary, ''))
) stored;
create index statement_search on statement using gin (search) with (fastupdate = off);

-- An editor's note on any record (parties, participations and citations have one already).
alter table actor add column note text;
alter table membership add column note text;
alter table source add column note text;
alter table statement add column note text;
alter table warning add column note text;
alter table declaration add column note text;
alter table provision add column note text;
alter table stance add column note text;
alter table track add column note text;
alter table track_update add column note text;
alter table event add column note text;
