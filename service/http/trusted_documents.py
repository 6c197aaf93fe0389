"""Trusted documents and automatic persisted queries: clients may send a hash, not the text.

The registry is every `.graphql` file of graphql/operations (shipped with the package)
plus an optional folder of the deployment's own (TRUSTED_DOCUMENTS_DIR). A request names
a document as `"documentId": "sha256:<hex>"` (GraphQL over HTTP's persisted documents)
or as Apollo's `extensions.persistedQuery.sha256Hash` (automatic persisted queries, as
Apollo Client, urql and others send them).

A registered document answers to the hashes clients compute, each naming the text the
client would have sent: the sha256 of the file, of the document as graphql-js `print()`
renders it (what a persisted-query link hashes), and of that with `__typename` added to
every selection set but the operation's own (what Apollo Client's cache sends).

The protocol of automatic persisted queries:
- a hash alone, unknown here: a GraphQL error `PersistedQueryNotFound` with
  `extensions.code` PERSISTED_QUERY_NOT_FOUND (HTTP 200, as Apollo Server answers it),
  on which every such client sends the hash again with the text;
- a hash with its text: the hash must be the sha256 of that exact text (else
  PERSISTED_QUERY_HASH_MISMATCH), and the pair is kept (a bounded LRU per process), so
  the next request with the hash alone runs it.

With TRUSTED_DOCUMENTS_ONLY, a text that is not one of the registered documents (however
laid out: as graphql-js prints it, it must be one of the printings above) is refused with
DOCUMENT_NOT_TRUSTED, whether sent alone or with a hash: production can run exactly the
operations it was shipped with.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.language import Visitor, visit
from litestar import Request

from service.http.client_print import print_like_graphql_js
from service.http.operation_request import OperationRequest, operation_request
from service.http.refusals import Refusal
from service.http.websocket.subscribe import is_new_operation
from service.lru import Lru
from service.resources import data_dir

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
DOCUMENT_NOT_TRUSTED = "DOCUMENT_NOT_TRUSTED"
QUERY_TOO_LONG = "QUERY_TOO_LONG"
TRUSTED_ONLY_MESSAGE = (
    "this server runs registered documents only (TRUSTED_DOCUMENTS_ONLY): send the id "
    "of one of them (`schema documents` lists them)"
)
# Documents clients registered by sending a hash with its text, kept per process.
LEARNED_DOCUMENTS = 1000
LEARNED_BYTES = 4 * 1024 * 1024

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def document_hash(text: str) -> str:
    """The id of a document: `sha256:` and the hex digest of its exact UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _normal_id(document_id: str) -> str | None:
    """`sha256:<hex>` of an id sent with or without its prefix; None if it is none."""
    hex_digest = document_id.removeprefix("sha256:").lower()
    return f"sha256:{hex_digest}" if _SHA256_HEX.fullmatch(hex_digest) else None


class _AddTypename(Visitor):
    """Apollo Client's addTypenameToDocument: `__typename` at the end of every selection
    set but an operation's own, unless it selects `__typename` or an introspection field
    already."""

    def enter_selection_set(
        self, node: SelectionSetNode, _key: Any, parent: Any, *_: Any
    ) -> SelectionSetNode | None:
        if isinstance(parent, OperationDefinitionNode):
            return None
        if any(
            isinstance(selection, FieldNode) and selection.name.value.startswith("__")
            for selection in node.selections
        ):
            return None
        typename = FieldNode(name=NameNode(value="__typename"), directives=(), arguments=())
        return SelectionSetNode(selections=(*node.selections, typename))


def client_printings(text: str) -> list[str]:
    """The texts a client may send for a registered document: the file as it is, as
    graphql-js `print()` renders it, and that with Apollo Client's `__typename`s."""
    try:
        document = parse(text, no_location=True)
    except GraphQLError:
        return [text]  # checked by the test of the operations: run as it is
    printed = print_like_graphql_js(document)
    with_typename = print_like_graphql_js(visit(document, _AddTypename()))
    return list(dict.fromkeys((text, printed, with_typename)))


@dataclass
class DocumentRegistry:
    """Registered documents by id (each printing under its own), and those clients
    registered by sending a hash with its text."""

    documents: dict[str, str]
    learned: Lru[str, str] = field(
        default_factory=lambda: Lru(LEARNED_DOCUMENTS, LEARNED_BYTES, weigh=len)
    )
    # The hash of each text's graphql-js printing (None: it does not parse), by the hash
    # of the text: keyed by the text itself, 256 texts of up to MAX_REQUEST_BODY_BYTES
    # each would be kept alive (256 MiB of comments sent in trusted-only mode).
    printed: Lru[tuple[str, int], str | None] = field(default_factory=lambda: Lru(1024))

    @classmethod
    def load(cls, folders: Iterable[Path]) -> DocumentRegistry:
        """Every .graphql file of `folders` (missing folders are skipped)."""
        documents: dict[str, str] = {}
        for folder in folders:
            for path in sorted(folder.glob("*.graphql")) if folder.is_dir() else []:
                for text in client_printings(path.read_text(encoding="utf-8")):
                    documents[document_hash(text)] = text
        return cls(documents)

    def get(self, document_id: str) -> str | None:
        """The text of a registered or learned document (ids may omit `sha256:`)."""
        key = _normal_id(document_id)
        if key is None:
            return None
        found = self.documents.get(key)
        return found if found is not None else self.learned.get(key, None)

    def learn(self, key: str, text: str) -> None:
        """Keep `text` under `key` (its verified hash) for the next hash-only request."""
        if key not in self.documents:
            self.learned.put(key, text)

    def __contains__(self, text: object) -> bool:
        """`text` is one of the registered documents (in one of its printings)."""
        return isinstance(text, str) and document_hash(text) in self.documents

    def trusts(self, text: str, max_tokens: int) -> bool:
        """`text` is a registered document, however laid out (comments, spaces, another
        printer): as graphql-js prints it, it is one of the registered printings. Parsed
        only when the text is not registered as it is, and at most `max_tokens` tokens."""
        own = document_hash(text)
        if own in self.documents:
            return True
        key = (own, max_tokens)
        printed = self.printed.get(key, _UNSEEN)
        if printed is _UNSEEN:
            printed = _printed_hash(text, max_tokens)
            self.printed.put(key, printed)
        return printed in self.documents


_UNSEEN = object()


def _printed_hash(text: str, max_tokens: int) -> str | None:
    try:
        document = parse(text, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return None
    return document_hash(print_like_graphql_js(document))


def default_folders(extra: str | None) -> list[Path]:
    """The shipped operations, and the deployment's own folder when configured."""
    folders = [data_dir("graphql") / "operations"]
    if extra:
        folders.append(Path(extra))
    return folders


def requested_document_id(data: dict[str, Any]) -> str | None:
    """The document id a request names, in either accepted form."""
    document_id = data.get("documentId")
    if isinstance(document_id, str):
        return document_id
    persisted = _persisted_query(data.get("extensions"))
    if persisted is not None and isinstance(persisted.get("sha256Hash"), str):
        return str(persisted["sha256Hash"])
    return None


def _persisted_query(extensions: object) -> dict[str, Any] | None:
    if isinstance(extensions, dict):
        persisted = extensions.get("persistedQuery")
        if isinstance(persisted, dict):
            return persisted
    return None


def _not_found() -> Refusal:
    # Apollo Server's answer, which every persisted-query client reads: the message and
    # the code, HTTP 200, and never cached on the way.
    return Refusal(
        200,
        "PersistedQueryNotFound",
        PERSISTED_QUERY_NOT_FOUND,
        headers={"Cache-Control": "private, no-cache, must-revalidate"},
    )


@dataclass(frozen=True)
class DocumentRules:
    """What document text a request may run, and how its id is resolved to its text.

    Attributes:
        registry: the registered documents, and those clients registered (APQ).
        trusted_only: refuse any text that is not registered (TRUSTED_DOCUMENTS_ONLY).
        max_query_tokens: the most tokens a document may have (MAX_QUERY_TOKENS), when
            one is parsed here.
        max_query_chars: the longest document text run (MAX_QUERY_CHARS): every
            request's text, sent or named by id, passes here (HTTP, batches, websockets,
            the response cache's look) before anything parses it.
    """

    registry: DocumentRegistry = field(default_factory=lambda: DocumentRegistry({}))
    trusted_only: bool = False
    max_query_tokens: int = 2000
    max_query_chars: int = 100_000

    def with_document(self, data: Any) -> Any:
        """A decoded request (one item of a batch, or a websocket `subscribe` payload)
        with the text it runs as its `query`."""
        if not isinstance(data, dict):
            return data  # a batch: each item is checked on its own
        query = data.get("query")
        if query is not None and not isinstance(query, str):
            return data  # left to Strawberry, which refuses it
        text = self.resolved(query, requested_document_id(data), data.get("extensions"))
        return data if text is None or text is query else {**data, "query": text}

    def document_of(self, data: OperationRequest) -> str | None:
        """The text an early-read request runs (its query, or the document its id
        names), by the same rules as `with_document`."""
        document_id = data.document_id or requested_document_id({"extensions": data.extensions})
        return self.resolved(data.query, document_id, data.extensions)

    def resolved(self, query: str | None, document_id: str | None, extensions: Any) -> str | None:
        """The text a request runs: its query, or the document its id names.

        Raises:
            Refusal: an unknown id, a hash that is not its text's, an unsupported
                persisted-query version, or (trusted-only) a text not registered.
        """
        if query is not None and len(query) > self.max_query_chars:
            # Parsing costs time per character (a megabyte string literal took 200 ms of
            # the event loop), and the token limit does not bound characters.
            raise Refusal(
                400,
                f"the document holds {len(query)} characters, more than the "
                f"{self.max_query_chars} accepted (MAX_QUERY_CHARS): send long values "
                "as variables",
                QUERY_TOO_LONG,
            )
        persisted = _persisted_query(extensions)
        if persisted is not None and persisted.get("version", 1) != 1:
            raise Refusal(400, "unsupported persisted query version (1 is)", "BAD_REQUEST")
        if document_id is None:
            if self.untrusted(query):
                raise Refusal(400, TRUSTED_ONLY_MESSAGE, DOCUMENT_NOT_TRUSTED)
            return query
        if query is None:
            text = self.registry.get(document_id)
            if text is None:
                raise _not_found()
            return text
        key = _normal_id(document_id)
        if key is None or key != document_hash(query):
            raise Refusal(400, "provided sha does not match query", PERSISTED_QUERY_HASH_MISMATCH)
        if self.untrusted(query):
            raise Refusal(400, TRUSTED_ONLY_MESSAGE, DOCUMENT_NOT_TRUSTED)
        self.registry.learn(key, query)
        return query

    def untrusted(self, query: object) -> bool:
        """A document text this server refuses (TRUSTED_DOCUMENTS_ONLY, not registered)."""
        if not self.trusted_only or not isinstance(query, str):
            return False
        return not self.registry.trusts(query, self.max_query_tokens)


def names_a_document(request: Request[Any, Any, Any]) -> bool:
    """A GET that names a document (`documentId`, or an APQ hash in `extensions`): an
    operation, whatever its Accept. Apollo Client sends hashed queries over GET with
    `Accept: */*`, which alone would get the playground page."""
    params = request.query_params
    return params.get("documentId") is not None or params.get("extensions") is not None


async def early_operation(
    request: Request[Any, Any, Any], rules: DocumentRules
) -> tuple[OperationRequest, str] | None:
    """The operation and document text of a request that a step may answer before
    Strawberry; None for one left to Strawberry: a batch, an unreadable request, or no
    document. (A GET answered with the playground is never asked: see pipeline.py.)"""
    data = await operation_request(request)
    document = None if data is None else rules.document_of(data)
    return None if data is None or document is None else (data, document)


class TrustedSubscribeMessages:
    """Mixin for the graphql-transport-ws handler: the same rules for a `subscribe`
    message (queries and mutations travel there too) as for an HTTP request.

    A document id is resolved to its text; with TRUSTED_DOCUMENTS_ONLY any other
    document is refused with an `error` message for that operation.
    """

    async def handle_subscribe(self, message: Any) -> None:
        rules: DocumentRules = self.view.config.documents  # type: ignore[attr-defined]
        if is_new_operation(self, message) and isinstance(message.get("payload"), dict):
            try:
                message = {**message, "payload": rules.with_document(message["payload"])}
            except Refusal as refused:
                await self.send_message(  # type: ignore[attr-defined]
                    {"id": message["id"], "type": "error", "payload": [refused.error()]}
                )
                return
        await super().handle_subscribe(message)  # type: ignore[misc]
