"""Forward references between the feature modules' types, declared once.

The record's types point at each other (an actor's statements, a statement's speaker), so
each module names the others' types lazily: Strawberry imports the module when it builds
the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from service.api.actors import Actor
    from service.api.declarations import Party
    from service.api.stances import Stance
    from service.api.statements import Statement, StatementOrder
    from service.api.warnings import WarningNode

LazyActor = Annotated["Actor", strawberry.lazy("service.api.actors")]
LazyParty = Annotated["Party", strawberry.lazy("service.api.declarations")]
LazyStance = Annotated["Stance", strawberry.lazy("service.api.stances")]
LazyStatement = Annotated["Statement", strawberry.lazy("service.api.statements")]
LazyStatementOrder = Annotated["StatementOrder", strawberry.lazy("service.api.statements")]
LazyWarning = Annotated["WarningNode", strawberry.lazy("service.api.warnings")]
