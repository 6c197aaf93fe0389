-- The database holds each kind as its description says (service/kinds/*/description.py).
--
-- A column that may point at records of several kinds references `record (id)`, which
-- cannot say which kinds: a stance about an actor, a statement about a citation were
-- refused by the writer only. Each such column now has a trigger refusing any other
-- kind, with the kinds it accepts as the trigger's arguments, the same kinds as the
-- kind's description (service/kinds/*/description.py; tests/db/test_descriptions.py
-- compares them). Columns referencing one kind's table need nothing: their foreign key
-- already says it. A citation may cite any kind.
--
-- Rows written before are not checked (as in 0009): only writes from now on.

create function refuse_wrong_kind() returns trigger language plpgsql as $$
declare
    -- tg_argv[0]: the column; tg_argv[1:]: the kinds it may point at.
    target bigint := (to_jsonb(new) ->> tg_argv[0])::bigint;
    found text;
begin
    if target is null then
        return new;
    end if;
    select kind::text into found from record where id = target;
    if found is not null and not found = any(tg_argv[1:]) then
        raise exception '%.% must point at a %, not a %',
                tg_table_name, tg_argv[0], array_to_string(tg_argv[1:], ', '), found
            using errcode = 'check_violation',
                constraint = tg_table_name || '_' || tg_argv[0] || '_kind';
    end if;
    return new;
end;
$$;

create trigger statement_subject_subject_id_kind
before insert or update of subject_id on statement_subject
for each row execute function refuse_wrong_kind(
    'subject_id', 'actor', 'declaration', 'provision', 'track');

create trigger warning_answer_subject_id_kind
before insert or update of subject_id on warning_answer
for each row execute function refuse_wrong_kind('subject_id', 'declaration', 'provision');

create trigger stance_subject_id_kind
before insert or update of subject_id on stance
for each row execute function refuse_wrong_kind(
    'subject_id', 'declaration', 'provision', 'track');

-- The patterns the database checks, made those of the descriptions (the API's inputs
-- and the seed files already share them): a Wikidata id of at most 12 digits, a cited
-- field name of at most 60 characters. NOT VALID, as above.
alter table actor drop constraint actor_wikidata_id_check,
    add constraint actor_wikidata_id_check check (wikidata_id ~ '^Q[0-9]{1,12}$') not valid;

alter table citation drop constraint citation_field_check,
    add constraint citation_field_check check (field ~ '^[a-z_]{1,60}$') not valid;
