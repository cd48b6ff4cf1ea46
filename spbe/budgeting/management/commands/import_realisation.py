"""``spbe import_realisation --pemda 35.10 --year 2028 FILE``: SP2D and STS rows from CSV or XLSX (issue 7,
point 7); the columns are documented in :mod:`spbe.budgeting.imports_realisation`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.budgeting.imports_realisation import realisation_import
from spbe.budgeting.management.commands.import_budget import pemda_or_error
from spbe.core.actors import system
from spbe.core.errors import REPORT_LIMIT, ImportFailed, SpbeError


class Command(BaseCommand):
    help = (
        "Import SP2D payments and STS deposits from CSV or XLSX (jenis, nomor, tanggal, kode_skpd, "
        "kode_sub_kegiatan, kode_rekening, [sumber_dana], uraian, jumlah, [jenis_sp2d], [nomor_koreksi]). "
        "Nothing is written unless every row is valid and no DPA line is passed; errors are printed as "
        "'row N, column X: reason'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--year", required=True, type=int, help="Budget year, e.g. 2028.")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            summary = realisation_import(
                actor=system("import_realisation"), pemda=pemda, year=options["year"], path=options["file"]
            )
        except ImportFailed as exc:
            shown = exc.errors[:REPORT_LIMIT]
            for line in [e.contract_line() for e in shown] + exc.report(REPORT_LIMIT)[len(shown) :]:
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(file)s: %(sp2d)d SP2D (%(spending)s), %(sts)d STS (%(revenue)s), %(corrections)d koreksi.")
            % {
                "file": summary.file,
                "sp2d": summary.sp2d,
                "spending": summary.spending,
                "sts": summary.sts,
                "revenue": summary.revenue,
                "corrections": summary.corrections,
            }
        )
