"""scripts/pg: a free port per cluster (two clones at once), SPBE_PG_PORT first; `run` stops its own."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import ROOT, run

PG_BIN = subprocess.run([str(ROOT / "scripts" / "pg-bin")], capture_output=True, text=True).stdout.strip()
pytestmark = [
    pytest.mark.scripts,
    pytest.mark.skipif(
        not Path(PG_BIN, "initdb").exists() or shutil.which("psql") is None,
        reason="PostgreSQL's server programs or psql are not installed",
    ),
]
PORT_QUERY = 'psql "$DATABASE_URL" -qAtc "select inet_server_port()"'


@pytest.fixture
def clusters(base_env):
    """Two cluster folders of this checkout (as two clones' clusters would be); stopped and removed after."""
    # Under /tmp and readable by all: as root the cluster belongs to the postgres user, who must reach it.
    parent = Path(tempfile.mkdtemp(prefix="spbe-pg-test-", dir="/tmp"))
    parent.chmod(0o755)
    dirs = [parent / "a", parent / "b"]
    try:
        yield dirs
    finally:
        for d in dirs:
            pg(base_env, d, "stop")
        shutil.rmtree(parent, ignore_errors=True)


def pg(env, cluster_dir, *args, **extra):
    return run([str(ROOT / "scripts" / "pg"), *args], {**env, "SPBE_PG_DIR": str(cluster_dir), **extra})


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_clusters_get_their_own_ports_and_run_stops_only_what_it_started(base_env, clusters):
    a, b = clusters
    url_a = last_line(pg(base_env, a, "start"))
    port_a = urlparse(url_a).port
    assert port_a != 54329

    # The second cluster starts from the same port as the first (same checkout) and must move past it.
    port_b = int(last_line(pg(base_env, b, "run", "sh", "-c", PORT_QUERY)))

    assert port_b != port_a
    assert pg(base_env, b, "status").returncode == 3  # run stopped the cluster it started
    assert last_line(pg(base_env, a, "status")) == url_a  # the one started by hand keeps running
    assert int(last_line(pg(base_env, a, "run", "sh", "-c", PORT_QUERY))) == port_a
    assert last_line(pg(base_env, a, "status")) == url_a  # ... also after a run inside it

    # A failing command: its exit status comes through and the cluster is stopped all the same.
    failed = pg(base_env, b, "run", "sh", "-c", PORT_QUERY + " && exit 7")
    assert failed.returncode == 7
    assert int(failed.stdout.strip()) == port_b  # the port it had is remembered while it is free
    assert pg(base_env, b, "status").returncode == 3


def test_a_port_taken_between_the_check_and_the_start_moves_the_cluster_to_the_next_one(base_env, clusters):
    """Two clusters starting at the same moment both find the same port free; the one that loses moves on.

    A socket bound without listening plays the other cluster: the check (can I connect?) finds the port
    free, PostgreSQL's bind then fails, and the script must try the next free port, not give up.
    """
    first = urlparse(last_line(pg(base_env, clusters[0], "start"))).port
    pg(base_env, clusters[0], "stop")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", first))  # taken, but nothing answers a connection on it
        url = last_line(pg(base_env, clusters[0], "start"))
    assert urlparse(url).port != first
    assert last_line(pg(base_env, clusters[0], "status")) == url


def test_spbe_pg_port_overrides_the_chosen_port(base_env, clusters):
    port = free_port()

    done = pg(base_env, clusters[0], "run", "sh", "-c", PORT_QUERY, SPBE_PG_PORT=str(port))

    assert int(last_line(done)) == port
    assert os.path.exists(clusters[0] / "PG_VERSION")
    assert pg(base_env, clusters[0], "status").returncode == 3


def test_ctrl_c_during_run_still_stops_the_cluster(base_env, clusters):
    env = {**base_env, "SPBE_PG_DIR": str(clusters[0])}
    # The command marks that it runs: only then has the script finished starting the cluster. Waiting on
    # `status` instead raced with initdb, whose stand-alone backend also makes `pg_ctl status` say running.
    started = clusters[0].parent / "command-started"
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches the script and the command.
    job = subprocess.Popen(
        [str(ROOT / "scripts" / "pg"), "run", "sh", "-c", f"touch '{started}' && sleep 120"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert job.poll() is None and time.monotonic() < deadline, "the cluster did not start"
            time.sleep(0.5)

        os.killpg(job.pid, signal.SIGINT)

        assert job.wait(60) == 130
        assert pg(base_env, clusters[0], "status").returncode == 3
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
