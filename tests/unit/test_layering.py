"""Dependencies point one way: rxapp -> services -> models. services/ and models/ know no web framework."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {"reflex", "fastapi", "starlette"}
LAYERS = {
    "services": FRAMEWORKS | {"rxapp", "rxconfig"},
    "models": FRAMEWORKS | {"rxapp", "rxconfig", "services"},
}
# Alembic's environment is a tool run from outside: plain `alembic` finds the engine through services.core.db.
ALLOWED = {"models/migrations/env.py": {"services"}}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module", "__import__"}
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value.split(".")[0])
    return names


def python_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_imports_nothing_it_must_not(layer):
    files = python_files(layer)
    assert len(files) > 3, f"found no sources under {layer}/"
    offenders = {str(f.relative_to(ROOT)): sorted(imported_modules(f) & LAYERS[layer] - ALLOWED.get(str(f.relative_to(ROOT)), set()))
                 for f in files}

    assert {f: names for f, names in offenders.items() if names} == {}


def test_the_checker_sees_every_kind_of_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import reflex as rx\nfrom fastapi import APIRouter\n"
                      "def f():\n    from starlette.requests import Request\n    importlib.import_module('rxapp.state')\n")
    assert imported_modules(sample) == {"reflex", "fastapi", "starlette", "rxapp"}


def test_importing_every_service_and_model_loads_no_web_framework():
    modules = sorted({".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                      for layer in LAYERS for f in python_files(layer) if "migrations" not in f.parts})
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {'reflex', 'fastapi', 'starlette'})))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    assert "services.org.users" in modules and "models.user" in modules
