"""Browser tests: the real product, seeded as `make demo` seeds it, served by granian, driven in Chromium.

The server runs in its own process on a fresh SQLite database, so the tests see exactly what a new user
sees. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCREENSHOTS = ROOT / "var" / "screenshots"
# Fedora's package installs it as chromium-browser.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("browser-var")
    env = {
        **os.environ,
        "SPBE_VAR_DIR": str(var),
        "SPBE_DEBUG": "0",
        # Plain http on the loopback, as the local demo: no HTTPS redirect, HSTS or Secure cookies.
        "SPBE_HTTPS": "0",
        "SPBE_SECRET_KEY": "browser-test-key",
        "SPBE_ALLOWED_HOSTS": "127.0.0.1",
        # Maps without tiles: a tile server is outside the machine, and a test must not leave it.
        "SPBE_MAP_TILE_URL": "",
    }
    env.pop("DATABASE_URL", None)
    spbe = str(BIN / "spbe")
    for command in (["migrate", "--no-input", "-v0"], ["seed_demo"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([spbe, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--no-ws", "--static-path-route", "/static",
         "--static-path-mount", str(var / "static"), "config.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # The real background worker, as `make demo` runs it, so long jobs show their progress for real.
    worker = subprocess.Popen(
        [spbe, "db_worker", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Generous: on a loaded machine (tests of other work running alongside) startup can take a minute.
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 (loopback only)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        for proc in (process, worker):
            proc.terminate()
            proc.wait(10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def shot(page, request):
    """Save a screenshot named after the test: shot('step')."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def console_errors(page) -> list[str]:
    """Collect console errors (a CSP violation shows up here) and requests that leave the machine."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on(
        "request",
        lambda req: (
            errors.append(f"external request {req.url}")
            if not req.url.startswith(("http://127.0.0.1", "data:"))
            else None
        ),
    )
    return errors
