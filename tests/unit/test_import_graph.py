"""The package's import graph: no cycles, and no imports hidden inside functions.

A cycle between modules works only as long as nobody reorders an import, and the usual
way out, an import inside a function, hides the dependency from readers and tools. So the
graph of module-level imports (TYPE_CHECKING blocks left out: they never run) must be
acyclic, and an import inside a function is allowed only where it is listed below with
the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "service"

# Imports made when a function runs, each with why it cannot be at the top of the module.
DEFERRED_IMPORTS = {
    # `serve` and `schema export` pull in the whole schema (about 1 s): the other admin
    # subcommands (tokens, seed, db) start without it.
    ("service.cli", "service.server"),
    ("service.cli", "service.graphql.schema"),
    ("service.cli", "service.http.trusted_documents"),
    # OpenTelemetry's packages are an optional extra (`tracing`), and take time to import:
    # loaded only when the OTEL_* variables turn tracing on.
    ("service.observability.tracing_switch", "service.observability.tracing"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> Iterator[str]:
    """The package's modules an import statement names (the deepest of each name)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        # `from service.x import y` loads service.x.y when y is a module, else service.x.
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
    for name in names:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            if (prefix := ".".join(parts[:end])) in modules:
                if prefix != "service":
                    yield prefix
                break


def _loaded(target: str, importer: str) -> set[str]:
    """What importing `target` runs: it and its packages, except the importer's own
    packages (a package that imports its submodule is already loading)."""
    parts = target.split(".")
    packages = {".".join(parts[:end]) for end in range(2, len(parts) + 1)}
    return {p for p in packages if not importer.startswith(f"{p}.")}


def _top_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is loaded: not in functions, not TYPE_CHECKING."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.ClassDef):
            pending.extend(ast.iter_child_nodes(node))


def _function_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {
            loaded
            for node in _top_level_imports(tree)
            for target in _imported(node, modules)
            for loaded in _loaded(target, name)
        } - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the path around it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_module_graph_has_no_cycle() -> None:
    cycle = _cycle(_graph(_modules()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_import_is_hidden_inside_a_function() -> None:
    modules = _modules()
    hidden = sorted(
        (name, target)
        for name, path in modules.items()
        for node in _function_imports(ast.parse(path.read_text(encoding="utf-8")))
        for target in _imported(node, modules)
        if (name, target) not in DEFERRED_IMPORTS
    )
    assert not hidden, f"imports inside functions (move them up, or list them with why): {hidden}"


def test_the_checker_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
