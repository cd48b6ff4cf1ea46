"""``spbe load_fungsi [--year YYYY] [FILE]``: load the functional classification (klasifikasi fungsi) and
its bidang urusan map for a budget year, from the bundled list or an official file (all or nothing)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.budgeting import fungsi
from spbe.core.actors import system
from spbe.core.errors import REPORT_LIMIT, ImportFailed, ValidationFailed


class Command(BaseCommand):
    help = "Load the functional classification of spending (fungsi, sub fungsi, bidang map) for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="Budget year (default: the default year).")
        parser.add_argument("file", nargs="?", default=None, help="CSV/XLSX: jenis, kode, nama, induk.")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"] or settings.SPBE_DEFAULT_BUDGET_YEAR
        path = Path(options["file"]) if options["file"] else None
        if path is not None and not path.is_file():
            raise CommandError(_("Berkas %(file)s tidak ditemukan.") % {"file": path})
        try:
            result = fungsi.load(year, actor=system("load_fungsi"), path=path)
        except ImportFailed as exc:
            shown = exc.errors[:REPORT_LIMIT]
            for line in [e.contract_line() for e in shown] + exc.report(REPORT_LIMIT)[len(shown) :]:
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Klasifikasi fungsi tahun %(year)d: %(f)d fungsi, %(s)d sub fungsi, %(b)d bidang (%(state)s).")
            % {
                "year": year,
                "f": result.fungsi,
                "s": result.sub_fungsi,
                "b": result.bidang,
                "state": _("diperbarui") if result.changed else _("tidak berubah"),
            }
        )
