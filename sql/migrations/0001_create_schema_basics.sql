-- The foundation: extensions and the helpers every later migration uses.
-- (The migration ledger `schema_migration` is created by the migrator itself.)


-- Touch updated_at and bump version on every update, so no write path can forget.
create function touch_row() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    new.version := old.version + 1;
    return new;
end;
$$;
