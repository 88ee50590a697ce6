"""The shape of the Python half that issue 28 asked for, kept: no function over 60
lines in src/, and no import circle between the package's modules (a static scan of
their imports, the function-level ones included)."""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "src" / "activity_metrics"
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = (ast.parse(path.read_text()), path.name == "__init__.py")
    return found


def imports_of(name: str, tree: ast.Module, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that `name` imports (relative or absolute)."""
    base = name.split(".") if is_package else name.split(".")[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from pkg import module` imports the module; `from module import name`, the module
            candidates = [
                f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target
                for alias in node.names
            ]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        out.update(c for c in candidates if c in known and c != name)
    return out


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_function_in_src_is_over_60_lines():
    long = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} "
        f"({node.end_lineno - node.lineno + 1} lines)"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, long


def test_the_package_has_no_import_circle():
    found = modules()
    known = set(found)
    graph = {name: imports_of(name, tree, pkg, known) for name, (tree, pkg) in found.items()}
    # the scan sees the layers (the CLI on the API, the API on the warehouse, all on config)
    assert "activity_metrics.config" in graph["activity_metrics.warehouse"]
    assert "activity_metrics.api" in graph["activity_metrics.cli.show"]
    assert cycle(graph) is None, " -> ".join(cycle(graph))


@pytest.mark.parametrize(
    "graph, circular",
    [({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True), ({"a": {"b"}, "b": {"c"}, "c": set()}, False)],
)
def test_the_circle_finder_finds_a_circle(graph, circular):
    assert (cycle(graph) is not None) == circular
