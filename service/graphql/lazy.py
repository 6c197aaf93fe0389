"""Forward references between the feature modules' types, declared once.

The record's types point at each other (an actor's statements, a statement's speaker), so
each module names the others' types lazily: Strawberry imports the module when it builds
the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from service.kinds.actors.types import Actor
    from service.kinds.citations.types import Citation
    from service.kinds.declarations.types import Party
    from service.kinds.events.types import Event
    from service.kinds.stances.types import Stance
    from service.kinds.statements.types import Statement, StatementOrder
    from service.kinds.warnings.types import WarningNode

LazyActor = Annotated["Actor", strawberry.lazy("service.kinds.actors.types")]
LazyCitation = Annotated["Citation", strawberry.lazy("service.kinds.citations.types")]
LazyEvent = Annotated["Event", strawberry.lazy("service.kinds.events.types")]
LazyParty = Annotated["Party", strawberry.lazy("service.kinds.declarations.types")]
LazyStance = Annotated["Stance", strawberry.lazy("service.kinds.stances.types")]
LazyStatement = Annotated["Statement", strawberry.lazy("service.kinds.statements.types")]
LazyStatementOrder = Annotated["StatementOrder", strawberry.lazy("service.kinds.statements.types")]
LazyWarning = Annotated["WarningNode", strawberry.lazy("service.kinds.warnings.types")]
