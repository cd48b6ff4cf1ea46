"""``spbe import_proposals --pemda 35.10 --year 2028 FILE``: a season's proposals from CSV or XLSX."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.planning.imports import proposals_import


class Command(BaseCommand):
    # No system checks before an import: they load the URL configuration, every view and the API's
    # schemas, which cost the command more CPU than Django's start-up itself (2.5 s against 2.2 s on the
    # benchmark machine) and check nothing an import reads. ``spbe check``, ``migrate`` and the servers
    # still run them.
    requires_system_checks: list[str] = []

    help = (
        "Import proposals (usulan) from CSV or XLSX with the columns kode_desa, sumber, judul, masalah, "
        "alamat, lat, lon, bidang, kode_skpd, volume, satuan, perkiraan_biaya, penerima_manfaat, swadaya, "
        "nama_pengusul, nik_pengusul, telepon_pengusul. Nothing is written unless every row is valid; on "
        "success prints one public id per line, in file order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--year", type=int, required=True, help="Plan year of the proposals.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = proposals_import(
                options["file"],
                actor=system("import_proposals"),
                pemda_code=options["pemda"],
                year=options["year"],
            )
        except ImportFailed as exc:
            # Every error kept (up to the collector's limit), so a user fixes the file in one pass.
            for error in exc.errors:
                self.stderr.write(error.contract_line())
            left = exc.total - len(exc.errors)
            if left > 0:
                self.stderr.write(_("... dan %(count)d kesalahan lain") % {"count": left})
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        for public_id in result.public_ids:
            self.stdout.write(public_id)
