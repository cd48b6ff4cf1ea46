"""``spbe import_budget --pemda 35.10 --year 2028 [--create-units] [--replace] FILE`` (issue 7, point 8)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.budgeting.imports import budget_import
from spbe.core.actors import system
from spbe.core.errors import REPORT_LIMIT, ImportFailed, SpbeError


def pemda_or_error(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code).first()
    if pemda is None:
        raise CommandError(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda


class Command(BaseCommand):
    help = (
        "Import a year's budget detail rows from CSV or XLSX (kode_skpd, nama_skpd, kode_sub_kegiatan, "
        "kode_rekening, uraian, volume, satuan, harga_satuan, jumlah). Nothing is written unless every row "
        "is valid; errors are printed as 'row N, column X: reason'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--year", required=True, type=int, help="Budget year, e.g. 2028.")
        parser.add_argument(
            "--create-units",
            action="store_true",
            help="Create unknown perangkat daerah (named by nama_skpd).",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Replace the year's draft (never an adopted one)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            summary = budget_import(
                actor=system("import_budget"),
                pemda=pemda,
                year=options["year"],
                path=options["file"],
                create_units=options["create_units"],
                replace=options["replace"],
            )
        except ImportFailed as exc:
            shown = exc.errors[:REPORT_LIMIT]
            for line in [e.contract_line() for e in shown] + exc.report(REPORT_LIMIT)[len(shown) :]:
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _(
                "%(file)s: %(rows)d rincian, %(lines)d baris, %(agencies)d perangkat daerah ke APBD %(year)d "
                "versi %(version)d%(replaced)s; %(units)d perangkat daerah baru."
            )
            % {
                "file": summary.file,
                "rows": summary.rows,
                "lines": summary.lines,
                "agencies": summary.agencies,
                "year": options["year"],
                "version": summary.version,
                "replaced": _(" (menimpa draf)") if summary.replaced else "",
                "units": len(summary.units_created),
            }
        )
