-- Instances keep recently verified tokens in memory (service/access/token_cache.py): a
-- revoked token, a changed role or secret, or a deleted token is announced on the
-- `api_token_changes` channel, once committed, so every instance forgets what it kept.
-- last_used_at is not announced: it changes on use, and changes nothing a cache holds.

create function notify_token_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('api_token_changes', coalesce(new.id, old.id)::text);
    return null;
end;
$$;

create trigger notify_token_change
after update of role, secret_hash, revoked_at or delete on api_token
for each row execute function notify_token_change();
