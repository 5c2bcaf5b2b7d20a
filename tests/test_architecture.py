"""The map in docs/ARCHITECTURE.md holds: each package imports only from the layers below it, and no
module imports itself back through others (lazy imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = ("errors", "domain", "io", "store", "report", "templates", "screens", "documents", "cli", "entry", "__main__")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "zjcredit").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """The zjcredit modules ``name`` imports, anywhere in its code."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                found.add(target)
    return found


def _layer(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 1:
        return 0  # the package itself: the version
    return LAYERS.index(parts[1])


def test_layers_import_only_downwards() -> None:
    wrong = []
    for name in MODULES:
        for target in _imports(name):
            if _layer(target) > _layer(name):
                wrong.append(f"{name} → {target}")
    assert wrong == []


def test_no_import_cycles() -> None:
    graph = {name: {t for t in _imports(name) if not name.startswith(t + ".") and t != name.rsplit(".", 1)[0]} for name in MODULES}
    # A package's __init__ importing its submodules (and the submodules importing the package) is not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_no_room_too_big() -> None:
    big = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            big.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (node.end_lineno or node.lineno) - node.lineno + 1 > 80:
                big.append(f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert big == []
