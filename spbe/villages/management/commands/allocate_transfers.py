"""``spbe allocate_transfers --config CONFIG.json --indicators VILLAGES.csv --out RESULT.csv``.

The transfer-allocation engine from the command line, with no database: every error is one line on
stderr and a non-zero exit, and RESULT.csv appears only when the whole allocation succeeded (it is written
to a temporary file beside it and renamed into place).
"""

import csv
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.errors import ImportFailed, SpbeError
from spbe.villages.allocation import allocate_transfers, load_config, one_line, read_villages, result_records


def _write_atomically(path: Path, records: list[list[str]]) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, lineterminator="\n").writerows(records)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Allocate a transfer (ADD, BHPRD, Dana Desa) over the desa: siltap need, then an equal share, then "
        "a weighted index of the indicators, exactly, rounded down to the rounding unit with the units left "
        "over by largest remainder (ties by ascending kode_desa). Writes kode_desa,siltap,alokasi_dasar,"
        "alokasi_proporsional,jumlah."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--config", required=True, help="CONFIG.json: total, rounding_unit, equal_share, weights, siltap."
        )
        parser.add_argument(
            "--indicators", required=True, help="VILLAGES.csv: kode_desa and the indicator columns."
        )
        parser.add_argument("--out", required=True, help="RESULT.csv to write (only on success).")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            config = load_config(options["config"])
            villages = read_villages(options["indicators"], config)
            result = allocate_transfers(config, villages)
        except ImportFailed as exc:
            raise CommandError(one_line(exc)) from exc
        except SpbeError as exc:
            raise CommandError(exc.message.replace("\n", " ")) from exc
        try:
            _write_atomically(out, result_records(result))
        except OSError as exc:
            raise CommandError(
                _("Berkas hasil %(file)s tidak dapat ditulis: %(error)s")
                % {"file": out, "error": exc.strerror or type(exc).__name__}
            ) from exc
