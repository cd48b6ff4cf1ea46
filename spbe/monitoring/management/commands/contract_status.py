"""``spbe contract_status --json FILE``: the critical-contract rule over a JSON list of contracts.

Prints a JSON list, in input order, of ``{"id", "rencana", "realisasi", "deviasi", "periode",
"proyeksi_selesai", "kritis"}`` (issue 9, point 5; the rule is :mod:`spbe.monitoring.rules`). A file that
cannot be read is one line on stderr and exit status 1. ``-`` reads standard input.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.monitoring.contract_file import ContractFileError, loads
from spbe.monitoring.rules import status

MAX_BYTES = 200 * 1024 * 1024  # far above 10,000 contracts with weekly curves; refuses a runaway file


class Command(BaseCommand):
    help = (
        "Classify contracts with the critical-contract rule (kontrak kritis). FILE is a JSON list of "
        '{"id", "tahun", "mulai", "rencana": [["YYYY-MM-DD", "<cum %>"], ...], "realisasi": [...], '
        '"tanggal"}; prints a JSON list in the same order.'
    )
    # Pure: it reads a file and no database, so it runs (and is tested) without one.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", required=True, dest="file", metavar="FILE", help="The contract list.")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = self._read(options["file"])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                _("Berkas harus UTF-8 (byte tidak sah di posisi %(at)d).") % {"at": error.start}
            ) from None
        try:
            contracts = loads(text)
        except ContractFileError as error:
            raise CommandError(error.message) from None
        result = [status(contract).as_json() for contract in contracts]
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _read(self, name: str) -> bytes:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            try:
                with Path(name).open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as error:
                raise CommandError(
                    _("Berkas %(name)s tidak dapat dibaca: %(reason)s.")
                    % {"name": name, "reason": error.strerror or error}
                ) from None
        if len(data) > MAX_BYTES:
            raise CommandError(_("Berkas lebih dari %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        return data
