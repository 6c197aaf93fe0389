-- Who may use the API: named tokens with a role. Only the sha256 of each secret is kept;
-- the token itself (`pr_<id>_<secret>`) is shown once, when it is created.
-- Names are never reused, even after a revoke, so `change.actor_name` stays unambiguous.

create table api_token (
    id bigint generated always as identity primary key,
    name text not null unique
        check (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$' and name not in ('seed', 'anonymous')),
    role text not null check (role in ('reader', 'editor', 'admin')),
    secret_hash bytea not null check (length(secret_hash) = 32),
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);

-- The change feed filtered by who wrote (`changes(actor: ...)`), in id order.
create index change_actor on change (actor_name, id);
