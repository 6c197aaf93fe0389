"""Reading seed files (YAML or JSON) into plain data plus a node tree for line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from service import bounded_json
from service.seeds.problems import Problem

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SeedLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML with only `null` and `true`/`false` resolved implicitly.

    YAML 1.1 would turn `2026-01-06` into a date, `2026` into an int, the CAMEO code
    `0334` into the octal 220 and the country code `NO` into False. Every other plain
    scalar stays a string; numbers are converted where the format asks for one.
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


SeedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
SeedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

PathPart = str | int


@dataclass(frozen=True)
class Document:
    """One seed file: its data and, when it could be composed as YAML, its node tree."""

    file: str
    data: Any
    root: yaml.Node | None

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """Line (1-based) of the deepest node along `path` that exists, or None."""
        node = self.root
        found = node
        for part in path:
            node = _child(node, part)
            if node is None:
                break
            found = node
        return None if found is None else found.start_mark.line + 1

    def key_line(self, path: Sequence[PathPart], key: str) -> int | None:
        """Line of the key `key` in the mapping at `path` (an unknown field, say)."""
        node = self.root
        for part in path:
            node = _child(node, part)
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if key_node.value == key:
                    return int(key_node.start_mark.line) + 1
        return self.line_of(path)


def _child(node: yaml.Node | None, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return value_node  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]  # type: ignore[no-any-return]
    return None


def read_document(path: Path, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse one file; syntax errors come back as problems with line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(file, None, None, f"cannot read the file: {exc}")]
    too_deep = _nesting_problem(text, file)
    if too_deep is not None:
        return None, [too_deep]
    if path.suffix == ".json":
        return _read_json(text, file)
    loader = SeedLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(file, line, column, f"YAML syntax error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, None, None, f"YAML syntax error: {exc}")]
    finally:
        loader.dispose()
    document = Document(file, data, root)
    return document, list(_duplicate_keys(document))


class _Open:
    """A collection open in the event stream: where in it the next node goes."""

    def __init__(self, mapping: bool) -> None:
        self.mapping = mapping
        self.index = -1  # a sequence's item
        self.key: str | None = None  # a mapping's key, once read
        self.awaiting_key = True

    def place(self, event: yaml.Event) -> None:
        if not self.mapping:
            self.index += 1
        elif self.awaiting_key:
            self.key = event.value if isinstance(event, yaml.ScalarEvent) else None
            self.awaiting_key = False
        else:
            self.awaiting_key = True

    def part(self) -> str:
        if not self.mapping:
            return f"[{self.index}]"
        return f".{self.key}" if self.key is not None else ".?"


def _nesting_problem(text: str, file: str) -> Problem | None:
    """A problem where the text nests more than bounded_json.MAX_DEPTH collections.

    PyYAML composes (and msgspec decodes) recursively, and failed with RecursionError on
    a file nested a thousand levels deep; the event stream is read without recursion.
    A syntax error is left to the reader that follows.
    """
    stack: list[_Open] = []
    try:
        for event in yaml.parse(text, Loader=SeedLoader):
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            if stack:
                stack[-1].place(event)
            if isinstance(event, yaml.CollectionStartEvent):
                if len(stack) == bounded_json.MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
                    return Problem(
                        file, line, column,
                        f"nested more than {bounded_json.MAX_DEPTH} levels deep",
                        "$" + "".join(o.part() for o in stack),
                    )  # fmt: skip
                stack.append(_Open(isinstance(event, yaml.MappingStartEvent)))
    except yaml.MarkedYAMLError as exc:
        # libyaml stops at 1,000 levels while reading ahead, before the events say so.
        mark = exc.problem_mark
        if "nesting depth" in str(exc.problem) and mark is not None:
            too_deep = f"nested more than {bounded_json.MAX_DEPTH} levels deep"
            return Problem(file, mark.line + 1, mark.column + 1, too_deep)
    except yaml.YAMLError:
        pass
    return None


def _read_json(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    try:
        data = bounded_json.decode(text)
    except bounded_json.JsonRefused as exc:
        line, column = _json_position(text, str(exc))
        return None, [Problem(file, line, column, f"JSON syntax error: {exc}")]
    try:
        # JSON is (nearly) YAML: composing it again gives line numbers for later errors.
        root = yaml.compose(text, Loader=SeedLoader)
    except yaml.YAMLError:
        root = None
    return Document(file, data, root), []


def _json_position(text: str, message: str) -> tuple[int | None, int | None]:
    match = re.search(r"\(byte (\d+)\)", message)
    if not match:
        return None, None
    prefix = text.encode()[: int(match.group(1))].decode(errors="ignore")
    line = prefix.count("\n") + 1
    return line, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _duplicate_keys(document: Document) -> Iterator[Problem]:
    """YAML keeps the last of two equal keys silently; a seed author meant one of them."""
    stack = [document.root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        yield Problem(
                            document.file, line, None,
                            f"duplicate key {key_node.value!r} (first at line "
                            f"{seen[key_node.value]})",
                        )  # fmt: skip
                    seen.setdefault(key_node.value, line)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
