"""Trusted documents: clients may send the sha256 of a registered operation, not its text.

The registry is every `.graphql` file of graphql/operations (shipped with the package)
plus an optional folder of the deployment's own (TRUSTED_DOCUMENTS_DIR). A request names
a document as `"documentId": "sha256:<hex>"` (GraphQL over HTTP's persisted documents)
or as Apollo's `extensions.persistedQuery.sha256Hash`. With TRUSTED_DOCUMENTS_ONLY, any
other document is refused: production can run exactly the operations it was shipped with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from cross_web import HTTPException
from litestar import Request

from service.api.operation_request import OperationRequest, checked_body, operation_request
from service.api.ws_subscribe import is_new_operation
from service.resources import data_dir


def document_hash(text: str) -> str:
    """The id of a document: `sha256:` and the hex digest of its exact UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class DocumentRegistry:
    """Registered documents by id."""

    documents: dict[str, str]

    @classmethod
    def load(cls, folders: Iterable[Path]) -> DocumentRegistry:
        """Every .graphql file of `folders` (missing folders are skipped)."""
        documents: dict[str, str] = {}
        for folder in folders:
            for path in sorted(folder.glob("*.graphql")) if folder.is_dir() else []:
                text = path.read_text(encoding="utf-8")
                documents[document_hash(text)] = text
        return cls(documents)

    def get(self, document_id: str) -> str | None:
        """The text of a registered document (ids may omit the `sha256:` prefix)."""
        key = document_id if document_id.startswith("sha256:") else f"sha256:{document_id}"
        return self.documents.get(key.lower())

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and document_hash(text) in self.documents


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
    extensions = data.get("extensions")
    if isinstance(extensions, dict):
        persisted = extensions.get("persistedQuery")
        if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
            return str(persisted["sha256Hash"])
    return None


class TrustedDocumentsView:
    """Mixin for the GraphQL controller: resolve document ids, refuse untrusted text."""

    trusted_documents: ClassVar[DocumentRegistry] = DocumentRegistry({})
    trusted_only: ClassVar[bool] = False

    def _with_document(self, data: Any) -> Any:
        if not isinstance(data, dict):
            return data  # a batch: each item is checked on its own
        document_id = requested_document_id(data)
        if data.get("query") is None and document_id is not None:
            text = self.trusted_documents.get(document_id)
            if text is None:
                raise HTTPException(400, f"unknown document {document_id!r}")
            return {**data, "query": text}
        if self._untrusted(data.get("query")):
            raise HTTPException(
                400, "this server runs registered documents only: send a documentId"
            )
        return data

    def _untrusted(self, query: object) -> bool:
        """A document text this server refuses (TRUSTED_DOCUMENTS_ONLY, not registered)."""
        return self.trusted_only and query is not None and query not in self.trusted_documents

    def parse_json(self, data: str | bytes) -> Any:
        parsed = checked_body(super().parse_json(data))  # type: ignore[misc]
        if isinstance(parsed, list):
            return [self._with_document(item) for item in parsed]
        return self._with_document(parsed)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        parsed: dict[str, Any] = super().parse_query_params(params)  # type: ignore[misc]
        return self._with_document(parsed)

    async def _early_operation(
        self, request: Request[Any, Any, Any]
    ) -> tuple[OperationRequest, str] | None:
        """The operation and document text of a request that a view may answer before
        Strawberry; None for one left to Strawberry: a GET it answers with the
        playground (its own rule, even when the GET names a documentId), a batch, an
        unreadable request, or no document."""
        if self.should_render_graphql_ide(request):  # type: ignore[attr-defined]
            return None
        data = await operation_request(request)
        document = None if data is None else self._document_of(data)
        return None if data is None or document is None else (data, document)

    def _document_of(self, data: Any) -> str | None:
        """The text a cached-view request runs (its query, or its registered document)."""
        if data.query is not None:
            return str(data.query)
        document_id = data.document_id or requested_document_id({"extensions": data.extensions})
        return None if document_id is None else self.trusted_documents.get(document_id)


class TrustedSubscribeMessages:
    """Mixin for the graphql-transport-ws handler: the same rules for a `subscribe`
    message (queries and mutations travel there too) as for an HTTP request.

    A document id is resolved to its text; with TRUSTED_DOCUMENTS_ONLY any other
    document is refused with an `error` message for that operation.
    """

    async def handle_subscribe(self, message: Any) -> None:
        view: Any = self.view  # type: ignore[attr-defined]
        if is_new_operation(self, message) and isinstance(message.get("payload"), dict):
            try:
                message = {**message, "payload": view._with_document(message["payload"])}
            except HTTPException as refused:
                error = {"message": refused.reason, "extensions": {"code": "BAD_REQUEST"}}
                await self.send_message(  # type: ignore[attr-defined]
                    {"id": message["id"], "type": "error", "payload": [error]}
                )
                return
        await super().handle_subscribe(message)  # type: ignore[misc]
