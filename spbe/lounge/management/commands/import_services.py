"""``spbe import_services --pemda 35.10 [--create-units] FILE``: import a pemda's service catalogue."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.lounge.management.report import import_failure_lines, pemda_or_error
from spbe.lounge.services import services_import


class Command(BaseCommand):
    help = (
        "Import service standards from CSV or XLSX (kode_layanan, nama, kode_skpd, nama_skpd, dasar_hukum, "
        "persyaratan, prosedur, waktu, biaya, produk, pengaduan, loket). Existing codes are updated. "
        "Nothing is written unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument(
            "--create-units",
            action="store_true",
            help="Create the perangkat daerah named by an unknown kode_skpd (with nama_skpd).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            summary = services_import(
                actor=system("import_services"),
                pemda=pemda,
                path=options["file"],
                create_units=options["create_units"],
            )
        except ImportFailed as exc:
            for line in import_failure_lines(exc):
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _(
                "%(file)s: %(rows)d layanan (%(created)d baru, %(updated)d diubah, %(unchanged)d tetap); "
                "%(units)d perangkat daerah baru."
            )
            % {
                "file": summary.file,
                "rows": summary.rows,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "units": len(summary.units_created),
            }
        )
