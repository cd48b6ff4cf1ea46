"""Layers point one way: core imports no app, and views and API routers read through access or selectors."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SPBE = Path(__file__).resolve().parents[2]
APPS = sorted(p.name for p in SPBE.iterdir() if (p / "apps.py").exists() and p.name != "core")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_app():
    offenders = []
    for path in sorted((SPBE / "core").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for module in _imports(path):
            if any(module == f"spbe.{app}" or module.startswith(f"spbe.{app}.") for app in APPS):
                offenders.append(f"{path.relative_to(SPBE.parent)} imports {module}")
    assert offenders == []


def test_views_and_routers_do_not_query_models_directly():
    query = re.compile(r"\.objects\.(?!none\(\))")
    offenders = []
    for pattern in ("*/views.py", "*/api.py"):
        for path in sorted(SPBE.glob(pattern)):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if query.search(line):
                    offenders.append(f"{path.relative_to(SPBE.parent)}:{number}: {line.strip()}")
    assert offenders == [], "read through access helpers or selectors"
