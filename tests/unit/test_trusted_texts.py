"""Trusted-only mode remembers how texts print by their hash, never by the texts."""

from __future__ import annotations

import gc
import tracemalloc

from service.http.trusted_documents import DocumentRegistry, client_printings, document_hash

REGISTERED = "query Count { actors { totalCount } }"


def registry() -> DocumentRegistry:
    return DocumentRegistry({document_hash(t): t for t in client_printings(REGISTERED)})


def test_a_registered_document_laid_out_otherwise_is_trusted_again_and_again() -> None:
    documents = registry()
    other_layout = "# the count\nquery Count {\n  actors {   totalCount }\n}\n"
    assert all(documents.trusts(other_layout, 2000) for _ in range(3))
    assert not documents.trusts("query Count { actors { totalCount nodes { id } } }", 2000)
    assert not documents.trusts("{", 2000)


def test_texts_seen_once_are_not_kept() -> None:
    # Each text is big (comments cost no tokens) and refused: what is remembered of it
    # must not be the text itself, or a client's stream of them fills the memory.
    documents = registry()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(300):  # 6 MB of texts, each made while traced
            assert not documents.trusts(f"# {i:06d} {'x' * 20_000}\n{{ __typename }}", 2000)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000, f"{kept} bytes kept after 6 MB of texts"
