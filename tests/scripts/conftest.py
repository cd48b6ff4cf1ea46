"""Helpers for tests that run the shell scripts in ``scripts/`` as a developer or CI runs them."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def copy_checkout(dest: Path, *paths: str) -> Path:
    """Copy the named files and folders of this checkout into ``dest``: no git metadata, no .venv."""
    for path in paths:
        source = ROOT / path
        if source.is_dir():
            shutil.copytree(
                source, dest / path, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".venv")
            )
        else:
            (dest / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / path)
    return dest


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def tools_dir(dest: Path, *names: str) -> Path:
    """A folder holding only the named programs (links to the real ones), to use as a bare PATH."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        found = shutil.which(name)
        assert found, f"{name} is needed to run this test"
        (dest / name).symlink_to(found)
    return dest


def run(command: list[str], env: dict[str, str], cwd: Path = ROOT, timeout: float = 300):
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def base_env() -> dict[str, str]:
    """The environment minus what would make the scripts use this checkout's own settings."""
    return {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SPBE_PG_PORT", "SPBE_PG_DIR"}}
