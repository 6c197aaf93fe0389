"""Refuse text holding the NUL character before it reaches PostgreSQL.

JSON and GraphQL both let a client write `\\u0000` in a string; PostgreSQL's text cannot
hold it, and a statement given one fails ("invalid byte sequence for encoding UTF8:
0x00"), which reached clients as an internal server error, logged as one. Every
operation's variables and the string literals of its document are checked first: such
an operation gets a clear INVALID error naming the variable, and nothing runs (a
mutation writes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from service.record.fields import nul_path

NUL = "\x00"
MESSAGE = "text may not hold the NUL character (\\u0000)"


class NulInputs(SchemaExtension):
    """Answers with an error, instead of executing, an operation holding a NUL in its input."""

    def on_execute(self) -> Iterator[None]:
        """Check the variables and the document's literals."""
        context = self.execution_context
        if context.result is None:
            variable = _variable_with_nul(context.variables or {})
            in_literal = context.graphql_document is not None and _literal_with_nul(
                context.query or "", context.graphql_document
            )
            if variable is not None or in_literal:
                extensions: dict[str, Any] = {"code": "INVALID"}
                if variable is not None:
                    extensions["field"] = variable
                error = GraphQLError(MESSAGE, extensions=extensions)
                context.result = ExecutionResult(data=None, errors=[error])
        yield


def _variable_with_nul(variables: dict[str, Any]) -> str | None:
    """The name of the first variable holding a NUL anywhere in its value, or None."""
    return next((name for name, value in variables.items() if nul_path(value) is not None), None)


class _NulLiterals(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if NUL in node.value:
            self.found = True


def _literal_with_nul(text: str, document: DocumentNode) -> bool:
    # A NUL can only get into a literal through an escape (`\u0000`, `\u{0}`): a text
    # without `\u` needs no walk of its document, which is nearly every text.
    if "\\u" not in text:
        return False
    finder = _NulLiterals()
    visit(document, finder)
    return finder.found
