"""The domain packages of services/ keep the arrows docs/architecture.md draws: a package imports only
packages below it in LAYERS, no module imports itself back through others (no cycle), and no import of
a services or models module hides inside a function. Beside tests/unit/test_layering.py, which keeps
rxapp -> services -> models."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top: a package may import the packages listed before it, never one after it.
LAYERS = ["core", "org", "config", "master", "production", "trace", "kpi", "shopfloor", "maintenance", "quality", "studio",
          "documents", "finance", "home",
          "demo"]


def module_names(root: Path, top: str = "services") -> dict[str, Path]:
    """Dotted module name -> file, for every module of the `top` package under `root`."""
    return {".".join(f.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): f
            for f in sorted((root / top).rglob("*.py"))}


def _in_functions(tree: ast.AST) -> set[int]:
    return {id(node) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}


def _targets(node: ast.Import | ast.ImportFrom, module: str, modules: dict[str, Path]) -> set[str]:
    """The modules an import statement loads: `from pkg import mod` is pkg.mod, `from mod import name` is mod."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            package = package[:len(package) - node.level + (1 if modules.get(module, Path()).name == "__init__.py" else 0)]
            base = ".".join([*package, base] if base else package)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name:
            found.add(name)
    return found


def import_graph(root: Path, top: str = "services") -> tuple[dict[str, set[str]], list[str]]:
    """(module -> modules it imports at module level, ["module:line import ..." hidden in a function])."""
    modules = module_names(root, top)
    graph: dict[str, set[str]] = {}
    hidden: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        inner = _in_functions(tree)
        graph[name] = set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if id(node) in inner:
                first = (node.names[0].name if isinstance(node, ast.Import) else node.module or ".").split(".")[0]
                if getattr(node, "level", 0) or first in {"services", "models"}:
                    hidden.append(f"{name}:{node.lineno} {ast.unparse(node)}")
                continue
            graph[name] |= _targets(node, name, modules) - {name}
    return graph, hidden


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def wrong_arrows(graph: dict[str, set[str]], layers: list[str]) -> list[str]:
    """Imports from a package to one at its level's right in `layers` (or to/from a package not in it)."""
    rank = {name: i for i, name in enumerate(layers)}
    wrong = []
    for module, imported in sorted(graph.items()):
        source = package_of(module)
        for target in sorted(imported):
            dest = package_of(target)
            if source == dest or (source in rank and dest in rank and rank[dest] < rank[source]):
                continue
            wrong.append(f"{module} -> {target}")
    return wrong


def test_every_domain_package_has_its_place_in_the_layers():
    packages = {p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS), "add a new package to LAYERS here and to docs/architecture.md"


def test_packages_import_only_the_packages_below_them():
    graph, _hidden = import_graph(ROOT)
    assert wrong_arrows(graph, LAYERS) == []


def test_services_have_no_import_cycle():
    graph, _hidden = import_graph(ROOT)
    assert len(graph) > 100
    assert cycles(graph) == []


# Imports hidden in functions that are yet to move to module top: the list may only shrink.
KNOWN_HIDDEN: set[str] = set()


@pytest.mark.parametrize("top", ["services", "models"])
def test_no_services_or_models_import_hides_inside_a_function(top):
    _graph, hidden = import_graph(ROOT, top)
    unlisted = [h for h in hidden if " ".join((h.split(" ", 1)[0].split(":")[0], h.split(" ", 1)[1])) not in KNOWN_HIDDEN]
    assert unlisted == []


def test_the_architecture_doc_draws_the_same_layers():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    assert all(f"services/{name}" in doc for name in LAYERS)
    assert " < ".join(LAYERS) in doc


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checks_see_cycles_upward_arrows_and_hidden_imports(tmp_path):
    root = _tree(tmp_path, {
        "services/__init__.py": "",
        "services/core/__init__.py": "",
        "services/core/a.py": "from services.core import b\n",
        "services/core/b.py": "def f():\n    from services.core import a\n    from models.x import Y\n    import json\n",
        "services/core/c.py": "from services.master.d import g\n",
        "services/master/__init__.py": "from services.master import d\n",
        "services/master/d.py": "from . import e\nfrom services.core.a import f\n",
        "services/master/e.py": "from .d import g\n",
    })
    graph, hidden = import_graph(root)

    assert graph["services.core.a"] == {"services.core.b"}
    assert graph["services.master.d"] == {"services.master.e", "services.core.a"}
    assert hidden == ["services.core.b:2 from services.core import a", "services.core.b:3 from models.x import Y"]
    assert cycles(graph) == [["services.master.d", "services.master.e"]]
    assert wrong_arrows(graph, ["core", "master"]) == ["services.core.c -> services.master.d"]
    assert wrong_arrows(graph, ["master", "core"]) == ["services.master.d -> services.core.a"]
