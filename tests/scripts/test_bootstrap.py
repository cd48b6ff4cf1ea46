"""scripts/bootstrap's pip path (no uv) works on a fresh Python 3.12+ venv, which has no setuptools."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, copy_checkout, run

pytestmark = pytest.mark.scripts


def one_locked_package(name: str) -> str:
    """The lock file's entry for one small package, hashes included, so the test installs little."""
    lock = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(name)}==.*?(?=^\S)", lock, flags=re.M | re.S)
    assert match, f"{name} is not in requirements/lock.txt"
    return match.group(0)


def test_the_pip_fallback_installs_the_project_in_a_fresh_venv(tmp_path, base_env):
    copy = copy_checkout(
        tmp_path / "clone", "pyproject.toml", "README.md", "scripts/bootstrap", "scripts/find-python", "spbe",
        "config",
    )  # fmt: skip
    (copy / "requirements").mkdir()
    (copy / "requirements" / "lock.txt").write_text(one_locked_package("sqlparse"), encoding="utf-8")
    python = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    env = {**base_env, "SPBE_BOOTSTRAP_PIP": "1", "SPBE_PYTHON": str(python)}

    done = run([str(copy / "scripts" / "bootstrap")], env, cwd=copy, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "installing with pip" in done.stdout
    check = run(
        [str(copy / ".venv" / "bin" / "python"), "-c", "import spbe, sqlparse; print(spbe.__file__)"],
        env,
        cwd=tmp_path,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == str(copy / "spbe" / "__init__.py")  # editable: the clone's own code
    assert (copy / ".venv" / "bin" / "spbe").exists()
    # A second run sees nothing changed and does nothing.
    again = run([str(copy / "scripts" / "bootstrap")], env, cwd=copy)
    assert (again.returncode, again.stdout) == (0, "")
