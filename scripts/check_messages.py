"""Check that every committed ``.mo`` catalog says what its ``.po`` file says (``scripts/run-tests``).

Each ``.po`` under ``spbe/locale`` is compiled with ``msgfmt --check-format`` into a temporary file, and both
catalogs are read with :mod:`gettext` and compared message by message. Nothing in the tree is written and no
git checkout is needed (a release tarball works too); comparing the messages rather than the bytes keeps a
different gettext version from counting as a change.

Usage: ``python -m scripts.check_messages [ROOT]`` (ROOT defaults to this checkout); exits 1 when a catalog
is stale or a ``.po`` does not compile.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def read_catalog(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        catalog: dict[object, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return catalog


def compile_po(po: Path, out: Path) -> str | None:
    """Compile ``po`` into ``out``; return msgfmt's complaint when it fails."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return "msgfmt is not installed (it comes with gettext)"
    done = subprocess.run(  # noqa: S603 - msgfmt on the project's own catalogs
        [msgfmt, "--check-format", "-o", str(out), str(po)], capture_output=True, text=True, check=False
    )
    return None if done.returncode == 0 else done.stderr.strip() or f"msgfmt exited with {done.returncode}"


def problems(root: Path) -> list[str]:
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for po in sorted((root / "spbe" / "locale").glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            name = mo.relative_to(root)
            fresh = Path(tmp) / f"{po.parent.parent.name}-{po.stem}.mo"
            complaint = compile_po(po, fresh)
            if complaint is not None:
                found.append(f"{po.relative_to(root)} does not compile: {complaint}")
                continue
            if not mo.exists():
                found.append(f"{name} is missing")
                continue
            expected, committed = read_catalog(fresh), read_catalog(mo)
            if expected != committed:
                changed = sorted(
                    str(key)
                    for key in expected.keys() | committed.keys()
                    if expected.get(key) != committed.get(key)
                )
                sample = ", ".join(repr(key[:60]) for key in changed[:3])
                found.append(
                    f"{name} is stale: {len(changed)} message(s) differ from the .po (e.g. {sample})"
                )
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else REPO
    found = problems(root)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print("Run 'make messages' and commit the catalogs.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
