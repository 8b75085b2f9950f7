"""The layering a newcomer can rely on, checked from the source with `ast`.

Every import counts: module level, under `TYPE_CHECKING`, and lazy imports inside functions
(a cycle hidden behind any of them is still a cycle in the design).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (`a.b.c` → `a.b` when c is a name)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that `module` imports anywhere in its source."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports the module a.b when there is one, else a name of a.
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.append(submodule if submodule in modules else base)
        for name in names:
            target = _resolve(name, modules)
            if target is not None and target != module:
                targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def _edges_into(graph: dict[str, set[str]], source: str, target: str) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imports in graph.items()
        if module.split(".")[0] == source
        for imported in imports
        if imported.split(".")[0] == target
    )


def test_the_cycle_finder_finds_a_cycle_and_the_graph_sees_lazy_imports() -> None:
    # The checker itself: a planted cycle is reported, and a function-level import is an edge.
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    graph = import_graph()
    assert "storage.db" in graph["bot.app.factory"]
    assert graph["bot.app.cli"], "the CLI imports its commands lazily; they are still edges"


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or ())


def test_storage_imports_neither_the_bot_nor_the_handlers() -> None:
    graph = import_graph()
    assert _edges_into(graph, "storage", "bot") == []
    assert _edges_into(graph, "storage", "handlers") == []


def test_only_the_composition_root_imports_the_telegram_edge() -> None:
    # bot/app/ builds the application: it registers the handlers and hands them the services.
    # Every other part of bot/ (desk, intake, matching, extraction, sandbox) works without them.
    graph = import_graph()
    services = {m: imports for m, imports in graph.items() if not m.startswith("bot.app")}
    assert _edges_into(services, "bot", "handlers") == []
    assert any(m.startswith("handlers") for m in graph["bot.app.factory"]), "the root registers"


def test_handlers_never_import_storage() -> None:
    assert _edges_into(import_graph(), "handlers", "storage") == []
    assert not [
        f"{path.name}: {line.strip()}"
        for path in sorted((ROOT / "handlers").glob("*.py"))
        for line in path.read_text().splitlines()
        if "storage" in line
    ], "`grep -r storage handlers/` finds nothing"


def test_no_handler_holds_the_database() -> None:
    # Handlers call services; only the typed context, which builds and binds them, names `db`.
    pattern = re.compile(r"\bdb\b")
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted((ROOT / "handlers").glob("*.py"))
        if path.name != "context.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_services_never_touch_telegram() -> None:
    # The rules live in bot/desk, bot/intake, bot/matching and bot/extraction: they can be
    # called (and tested) without python-telegram-bot, which only the edge and the wiring know.
    found = []
    for package in ("desk", "intake", "matching", "extraction"):
        for path in sorted((ROOT / "bot" / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                found += [
                    f"{path.name} imports {n}" for n in names if n.split(".")[0] == "telegram"
                ]
    assert found == []
