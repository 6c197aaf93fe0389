-- Live updates: every committed change is announced on the `record_changes` channel.
-- NOTIFY is transactional: listeners hear of a change only once its transaction commits,
-- and in commit order. The payload stays small (ids and a version); listeners read the
-- change feed and the record through the normal, access-checked path.

create function notify_change() returns trigger language plpgsql as $$
begin
    perform pg_notify(
        'record_changes',
        json_build_object(
            'id', new.id, 'kind', new.kind, 'record', new.record_id,
            'operation', new.operation, 'version', new.version
        )::text
    );
    return null;
end;
$$;

create trigger notify_change after insert on change
for each row execute function notify_change();
