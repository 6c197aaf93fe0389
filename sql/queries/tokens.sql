-- API tokens (service/access/tokens.py). The secret's hash never leaves the database
-- except to the authentication check.

-- name: insert_token
insert into api_token (name, role, secret_hash)
values ($1, $2, $3)
returning id, name, role, created_at, last_used_at, revoked_at

-- name: list_tokens
-- $1: include revoked tokens.
select id, name, role, created_at, last_used_at, revoked_at
from api_token
where $1::boolean or revoked_at is null
order by name

-- name: revoke_token
-- Revoking twice keeps the first date; `already_revoked` tells the caller which it was.
with old as (
    select id, revoked_at from api_token where name = $1 for update
)
update api_token as t
set revoked_at = coalesce(t.revoked_at, now())
from old
where t.id = old.id
returning t.id, t.name, t.role, t.created_at, t.last_used_at, t.revoked_at,
          old.revoked_at is not null as already_revoked

-- name: authenticate_token
-- One round-trip: the token's row, and (when the secret matches and the token is live)
-- last_used_at bumped, at most once a minute so busy clients do not write on every call.
-- The caller still compares the hash itself, in constant time.
with found as (
    select id, name, role, secret_hash, revoked_at from api_token where id = $1
), touched as (
    update api_token
    set last_used_at = now()
    where id = $1
      and secret_hash = $2
      and revoked_at is null
      and (last_used_at is null or last_used_at < now() - interval '1 minute')
    returning id
)
select id, name, role, secret_hash, revoked_at from found
