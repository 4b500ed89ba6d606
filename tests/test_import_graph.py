"""The package's imports form no cycle.

A cycle makes the import order decide whether a name exists yet; the modules of a cycle cannot be
understood, tested or moved one at a time.  Two graphs are checked:

- modules, by the imports that run when a module is imported, and again counting the imports
  inside functions (never those under ``TYPE_CHECKING``): no cycle;
- the top-level parts of the package (``digest.text``, ``digest.config``, ``digest.pipeline``…),
  by every import, inside functions too: an import deferred for start-up time must not hide a
  dependency that goes back up (``text`` needing ``config`` needing ``select``…).
"""

from __future__ import annotations

import ast
from pathlib import Path

import digest

PACKAGE_ROOT = Path(digest.__file__).parent


def _module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE_ROOT.rglob("*.py"):
        parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imported_names(
    statements: list[ast.stmt], module: str, is_package: bool, *, deferred: bool = False
) -> list[str]:
    """Dotted names imported when the module runs: top level, and inside if/try/with blocks;
    with ``deferred``, inside functions and classes too (never under ``TYPE_CHECKING``).
    """
    names: list[str] = []
    for node in statements:
        if deferred and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names += _imported_names(node.body, module, is_package, deferred=True)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            # ``from a import b`` runs a (a package's ``__init__``), then imports module a.b when
            # there is one: an edge to each.
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                names += _imported_names(node.body + node.orelse, module, is_package, deferred=deferred)
        elif isinstance(node, ast.Try):
            blocks = node.body + node.orelse + node.finalbody
            blocks += [statement for handler in node.handlers for statement in handler.body]
            names += _imported_names(blocks, module, is_package, deferred=deferred)
        elif isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor | ast.While):
            names += _imported_names(node.body, module, is_package, deferred=deferred)
    return names


def import_graph(*, deferred: bool = False) -> dict[str, set[str]]:
    """Module → the package modules it imports at module level (with ``deferred``: anywhere)."""
    modules = _module_files()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _imported_names(tree.body, module, path.name == "__init__.py", deferred=deferred)
        graph[module] = {name for name in names if name in modules and name != module}
    return graph


def part_graph() -> dict[str, set[str]]:
    """Top-level part (``digest.text``, ``digest.config``…) → the parts it imports, anywhere.
    The package's own ``__init__`` (the public API, which names everything) is left out.
    """

    def part(module: str) -> str:
        return ".".join(module.split(".")[:2])

    graph: dict[str, set[str]] = {}
    for module, targets in import_graph(deferred=True).items():
        if module == "digest":
            continue
        graph.setdefault(part(module), set()).update(
            part(target) for target in targets if part(target) not in (part(module), "digest")
        )
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that starts and ends with the same module, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_find_cycle_reports_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_graphs_see_the_imports() -> None:
    graph = import_graph()
    assert "digest.errors" in graph["digest.config"]
    assert "digest.model" in graph["digest.text"]
    assert "digest.pipeline" not in graph["digest.cli.today"]  # imported inside the command
    assert "digest.pipeline" in import_graph(deferred=True)["digest.cli.today"]
    assert "digest.pipeline" in part_graph()["digest.cli"]


def test_modules_import_no_cycle_even_through_deferred_imports() -> None:
    for deferred in (False, True):
        cycle = find_cycle(import_graph(deferred=deferred))
        assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_parts_depend_on_each_other_without_a_cycle_even_through_deferred_imports() -> None:
    cycle = find_cycle(part_graph())
    assert cycle is None, "cycle between parts: " + " → ".join(cycle or [])
