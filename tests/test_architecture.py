"""The layering of triage_app, checked on the source: what may import what.

Bottom to top: core.records, core.store, core.search, core.triage, then core.ingest and
core.export side by side, workers (child processes), gui, cli. A module imports only from
its own package or from packages below it, and another package only through its face
(`triage_app.core.store`, never `triage_app.core.store.library`). Imports inside functions
count; imports under `if TYPE_CHECKING:` do not (they never run).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "triage_app"
LAYERS = {
    "triage_app.core.records": 0,
    "triage_app.core.store": 1,
    "triage_app.core.search": 2,
    "triage_app.core.triage": 3,
    "triage_app.core.ingest": 4,
    "triage_app.core.export": 4,
    "triage_app.workers": 5,
    "triage_app.gui": 6,
    "triage_app.cli": 7,
}
# Importable from anywhere: the package's version and the helper that builds lazy faces.
SHARED = {"triage_app", "triage_app.core", "triage_app.core.lazy", "triage_app.resources"}
QT = ("PySide6", "shiboken6", "qtawesome", "qtpy")
HEAVY = ("sqlalchemy", "sqlmodel", "whoosh", "numpy", "scipy", "PySide6")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of every import that can run, resolving relative ones."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from pkg import module` imports that module; `from pkg import name` the pkg.
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if _exists(candidate) else base))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _exists(module: str) -> bool:
    if not module.startswith("triage_app."):
        return False
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


def _layer_of(module: str) -> str | None:
    for layer in sorted(LAYERS, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


SOURCES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module_name(p): _imports(p) for p in SOURCES}


def test_every_module_has_a_layer() -> None:
    loose = [
        m
        for m in GRAPH
        if _layer_of(m) is None and m not in SHARED and m not in ("triage_app.__main__",)
    ]
    assert loose == []


def test_core_shows_its_packages_and_few_loose_modules() -> None:
    core = PACKAGE / "core"
    loose = sorted(p.name for p in core.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 3, loose
    assert {p.name for p in core.iterdir() if (p / "__init__.py").exists()} >= {
        "records",
        "store",
        "search",
        "triage",
        "ingest",
        "export",
    }


def test_packages_import_only_downward_and_through_faces() -> None:
    wrong: list[str] = []
    for module, imports in GRAPH.items():
        mine = _layer_of(module)
        if mine is None:
            continue
        for line, target in imports:
            if not target.startswith("triage_app") or target in SHARED:
                continue
            theirs = _layer_of(target)
            if theirs is None or theirs == mine:
                continue
            where = f"{module}:{line} imports {target}"
            if LAYERS[theirs] >= LAYERS[mine]:
                wrong.append(f"{where}: {theirs} is not below {mine}")
            elif theirs.startswith("triage_app.core.") and target != theirs:
                wrong.append(f"{where}: not through the face {theirs}")
    assert wrong == []


def test_core_imports_no_qt() -> None:
    wrong = [
        f"{m}:{line} imports {t}"
        for m, imports in GRAPH.items()
        if m.startswith("triage_app.core")
        for line, t in imports
        if t.split(".")[0] in QT
    ]
    assert wrong == []


def test_only_the_search_package_imports_whoosh() -> None:
    wrong = [
        f"{m}:{line}"
        for m, imports in GRAPH.items()
        for line, t in imports
        if t.split(".")[0] == "whoosh" and _layer_of(m) != "triage_app.core.search"
    ]
    assert wrong == []


def test_no_import_circles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in GRAPH.items():
        for _line, target in imports:
            if target in GRAPH and target != module:
                edges[module].add(target)
    # A package's face imports its own modules (lazily, not here); a module importing its
    # own package's face is the only way back up, and is a circle like any other.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in list(GRAPH):
        if v not in index:
            strong(v)
    assert circles == []


def test_no_module_over_500_lines() -> None:
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in SOURCES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def _heavy_loaded_after(code: str) -> set[str]:
    script = (
        f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(out.stdout.split()) & set(HEAVY)


def _help_modules(args: list[str]) -> set[str]:
    return _heavy_loaded_after(
        "from triage_app.cli.main import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass"
    )


def _commands() -> list[str]:
    from triage_app.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", [None, *_commands()])
def test_help_loads_no_heavy_library(command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    assert _help_modules(args) == set()


def test_the_help_check_sees_a_heavy_import() -> None:
    """The check above can fail: touching a face's name loads what that name needs."""
    assert _heavy_loaded_after("from triage_app.core.store import Library") == {
        "sqlalchemy",
        "sqlmodel",
    }
