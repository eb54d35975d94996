"""A package tells what it holds and what it keeps: every package of services/ opens with a docstring
that names each of its modules (its file name, `queues.py`, as a word of its own) and states its
invariants (docs/architecture.md); and no module grows past 500 lines (split it by sub-area first).
Alembic's revision scripts are generated, not edited, and not counted."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500
GENERATED = ROOT / "models" / "migrations" / "versions"
PACKAGES = sorted(p.parent for p in (ROOT / "services").rglob("__init__.py") if p.parent != ROOT / "services")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("package", PACKAGES, ids=_name)
def test_package_docstring_names_every_module_and_states_its_invariants(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    missing = [m.stem for m in sorted(package.glob("*.py"))
               if m.name != "__init__.py" and not re.search(rf"(?<!\w){re.escape(m.stem)}(?!\w)", doc)]
    assert not missing, f"{_name(package)}/__init__.py's docstring does not name {', '.join(missing)}"
    assert "Invariants" in doc, f"{_name(package)}/__init__.py's docstring has no 'Invariants' part"


def test_no_module_is_longer_than_500_lines():
    modules = [f for top in ("services", "rxapp", "models") for f in sorted((ROOT / top).rglob("*.py"))
               if GENERATED not in f.parents]
    long = {_name(f): n for f in modules if (n := len(f.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split by sub-area (at most {MAX_LINES} lines): {long}"
