"""A record's write and its change-log row commit together or not at all.

The change log feeds the response cache's invalidation and resumable subscriptions: a
write that committed without its change would never reach them. Here the change insert is
made to fail (a trigger on `change`, in this module's own database) after the record's row
and links are written; each mutation must then leave no trace: no row, no link, no global
id, no change, the old values of an updated or deleted record untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.api.client import Client

pytestmark = [pytest.mark.db, pytest.mark.slow]

FAILING_CHANGES = """
create table fail_change_writes (reason text not null);
create function refuse_change() returns trigger language plpgsql as $$
begin
    if exists (select from fail_change_writes) then
        raise exception 'change log write refused by the test';
    end if;
    return new;
end $$;
create trigger refuse_change before insert on change
    for each row execute function refuse_change();
"""


@pytest.fixture(scope="module")
async def admin(module_db_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection to the module's database, with the failing trigger installed."""
    conn = await asyncpg.connect(module_db_url)
    await conn.execute(FAILING_CHANGES)
    try:
        yield conn
    finally:
        await conn.close()


class Refusing:
    """While in this block, every change-log insert fails."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def __aenter__(self) -> None:
        await self.conn.execute("insert into fail_change_writes values ('test')")

    async def __aexit__(self, *exc: object) -> None:
        await self.conn.execute("delete from fail_change_writes")


async def state(conn: asyncpg.Connection) -> dict[str, Any]:
    """Everything a write could leave behind."""
    return {
        "records": await conn.fetchval("select count(*) from record"),
        "changes": await conn.fetchval("select count(*) from change"),
        "actors": [
            dict(r)
            for r in await conn.fetch("select id, slug, name, version from actor order by id")
        ],
        "statements": await conn.fetchval("select count(*) from statement"),
        "about_links": await conn.fetchval("select count(*) from statement_subject"),
    }


async def fails_without_trace(
    client: Client, admin: asyncpg.Connection, text: str, variables: dict[str, Any]
) -> None:
    """Post a mutation that must fail as a whole: an error, and the database unchanged."""
    before = await state(admin)
    body = client.post(text, variables)
    assert body.get("errors"), body
    assert await state(admin) == before, f"{text}: the failed write left a trace"


async def test_a_refused_change_log_write_leaves_no_trace(
    client: Client, admin: asyncpg.Connection
) -> None:
    person = client.mutate("createActor", {"slug": "atom-p", "kind": "PERSON", "name": "P"})
    state_ = client.mutate("createActor", {"slug": "atom-s", "kind": "STATE", "name": "S"})
    assert "errors" not in person
    assert "errors" not in state_
    before = await state(admin)
    assert before["changes"] == 2

    async with Refusing(admin):
        await fails_without_trace(
            client,
            admin,
            "mutation($input: CreateActorInput!) { createActor(input: $input) { record { id } } }",
            {"input": {"slug": "atom-new", "kind": "STATE", "name": "New"}},
        )
        # A record with links: the row, its global id and its link rows all go.
        await fails_without_trace(
            client,
            admin,
            "mutation($input: CreateStatementInput!) {"
            " createStatement(input: $input) { record { id } } }",
            {
                "input": {
                    "slug": "atom-said",
                    "speakerId": person["id"],
                    "said": "2026-01-08",
                    "channel": "X",
                    "quote": "Words",
                    "aboutIds": [state_["id"]],
                }
            },
        )
        await fails_without_trace(
            client,
            admin,
            "mutation($input: UpdateActorInput!) { updateActor(input: $input) { record { id } } }",
            {"input": {"id": person["id"], "expectedVersion": person["version"], "name": "Q"}},
        )
        await fails_without_trace(
            client,
            admin,
            "mutation($input: DeleteInput!) { deleteActor(input: $input) { deletedId } }",
            {"input": {"id": state_["id"], "expectedVersion": state_["version"]}},
        )
        assert await state(admin) == before

    # The trigger gone, the same writes go through: the failures above were the change log's.
    updated = client.mutate(
        "updateActor", {"id": person["id"], "expectedVersion": person["version"], "name": "Q"}
    )
    assert updated["version"] == person["version"] + 1
    after = await state(admin)
    assert after["changes"] == before["changes"] + 1
