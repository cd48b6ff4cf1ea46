"""scripts/find-python skips a Python that cannot give a venv pip (Debian without python3.X-venv)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import ROOT, executable, run, tools_dir

pytestmark = pytest.mark.scripts

# The interpreter this virtualenv was made from: a Python >= 3.12 with venv and ensurepip.
REAL = Path(getattr(sys, "_base_executable", sys.executable)).resolve()


@pytest.fixture
def no_ensurepip(tmp_path) -> Path:
    """The real interpreter dressed as Debian's without python3.X-venv: ``import ensurepip`` fails."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "ensurepip").mkdir()
    (shadow / "ensurepip" / "__init__.py").write_text(
        'raise ImportError("ensurepip is disabled in Debian/Ubuntu for the system python")\n'
    )
    fake = tmp_path / "fake" / "python3.13"
    # So a test can tell which interpreter find-python chose: this one reports its own path.
    (shadow / "sitecustomize.py").write_text(f"import sys\nsys.executable = {str(fake)!r}\n")
    return executable(fake, f'#!/bin/sh\nPYTHONPATH={shadow} exec {REAL} "$@"\n')


def find_python(tmp_path, path_dirs, **extra):
    env = {
        "PATH": ":".join(str(d) for d in path_dirs),
        "HOME": str(tmp_path / "home"),
        "SPBE_PYTHON_PREFIXES": "",  # only PATH and SPBE_PYTHON, so the machine's own Pythons stay out
        **extra,
    }
    return run([str(ROOT / "scripts" / "find-python")], env)


def test_it_passes_over_a_python_without_ensurepip_for_one_that_works(tmp_path, no_ensurepip):
    bare = tools_dir(tmp_path / "tools", "bash")
    (bare / "python3.12").symlink_to(REAL)

    found = find_python(tmp_path, [bare], SPBE_PYTHON=str(no_ensurepip))

    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == str(bare / "python3.12")


def test_it_says_what_to_install_when_no_python_works(tmp_path, no_ensurepip):
    bare = tools_dir(tmp_path / "tools", "bash")

    found = find_python(tmp_path, [bare, no_ensurepip.parent])

    assert found.returncode == 1
    assert found.stdout == ""
    assert f"{no_ensurepip}: Python 3.13 has no venv/ensurepip" in found.stderr
    assert "apt-get install python3.13-venv" in found.stderr
    assert "SPBE_PYTHON=" in found.stderr
