"""scripts/system-deps tells a user without root exactly what to install on their distribution."""

from __future__ import annotations

import pytest

from .conftest import ROOT, executable, run, tools_dir

pytestmark = pytest.mark.scripts

OS_RELEASE = {
    "debian": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
    "ubuntu": 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n',
    "fedora": 'NAME="Fedora Linux"\nID=fedora\n',
    "rocky": 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n',
    "arch": 'NAME="Arch Linux"\nID=arch\n',
}


def system_deps(tmp_path, distro, uid=1000, have=()):
    """Run system-deps on a PATH with only what it needs, as user ``uid``, with the programs in ``have``."""
    tools = tools_dir(tmp_path / "tools", "bash", "dirname", "ls", "sort")
    executable(tools / "id", f"#!/bin/sh\necho {uid}\n")
    pg_bin = tmp_path / "pg-bin"
    for name in have:
        executable((pg_bin / "initdb") if name == "initdb" else (tools / name), "#!/bin/sh\n")
    (tmp_path / "os-release").write_text(OS_RELEASE[distro], encoding="utf-8")
    libraries = (
        "libpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/libpangoft2-1.0.so.0" if "pango" in have else ""
    )
    executable(tmp_path / "ldconfig", f"#!/bin/sh\necho '{libraries}'\n")
    env = {
        "PATH": str(tools),
        "SPBE_OS_RELEASE": str(tmp_path / "os-release"),
        "SPBE_PG_BIN": str(pg_bin),
        "SPBE_LDCONFIG": str(tmp_path / "ldconfig"),
    }
    return run([str(ROOT / "scripts" / "system-deps")], env)


@pytest.mark.parametrize(
    ("distro", "command"),
    [
        ("debian", "sudo apt-get install chromium postgresql gettext"),
        ("ubuntu", "sudo apt-get install chromium-browser postgresql gettext"),
        ("fedora", "sudo dnf install chromium postgresql-server gettext"),
        ("rocky", "sudo dnf install chromium postgresql-server gettext"),
    ],
)
def test_it_prints_the_install_command_for_the_distribution(tmp_path, distro, command):
    done = system_deps(tmp_path, distro, have=("pango",))

    assert done.returncode == 1
    assert f"Install them with:  {command}\n" in done.stderr


def test_it_names_only_what_is_missing(tmp_path):
    done = system_deps(tmp_path, "fedora", have=("chromium-browser", "initdb", "pango"))

    assert done.returncode == 1
    assert "Install them with:  sudo dnf install gettext\n" in done.stderr


def test_root_outside_debian_gets_the_command_without_sudo_and_nothing_is_installed(tmp_path):
    done = system_deps(tmp_path, "fedora", uid=0, have=("msgfmt", "pango"))

    assert done.returncode == 1
    assert "Install them with:  dnf install chromium postgresql-server\n" in done.stderr
    assert "Installing" not in done.stdout


def test_an_unknown_distribution_gets_the_list(tmp_path):
    done = system_deps(tmp_path, "arch", have=("chromium", "msgfmt", "pango"))

    assert done.returncode == 1
    assert "missing here: postgresql (its server programs: initdb, pg_ctl)." in done.stderr
    assert "package manager (arch)" in done.stderr


def test_nothing_to_do_when_everything_is_there(tmp_path):
    done = system_deps(tmp_path, "ubuntu", have=("chromium", "initdb", "msgfmt", "pango"))

    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("distro", "package"),
    [("debian", "libpangoft2-1.0-0"), ("ubuntu", "libpangoft2-1.0-0"), ("fedora", "pango")],
)
def test_the_pdf_library_pango_is_named_when_it_is_missing(tmp_path, distro, package):
    done = system_deps(tmp_path, distro, have=("chromium", "chromium-browser", "initdb", "msgfmt"))

    assert done.returncode == 1
    assert done.stderr.splitlines()[1].endswith(f"install {package}")
