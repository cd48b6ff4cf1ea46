"""``spbe import_siskeudes --pemda 35.10 FILE.zip``: desa budgets and realisation from a Siskeudes export."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.villages.siskeudes import siskeudes_import


class Command(BaseCommand):
    help = (
        "Import the APBDes (AnggaranStlhPAK of Ta_RABRinci) and realisation of every desa in a Siskeudes "
        "export: a zip of one CSV per table. A desa and year imported before is replaced. Nothing is "
        "written unless every row of every table is valid; errors name the file, row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the Siskeudes export (.zip of CSV files).")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = siskeudes_import(
                options["file"], actor=system("import_siskeudes"), pemda_code=options["pemda"]
            )
        except ImportFailed as exc:
            for error in exc.errors:
                where = f"{error.file}: " if error.file else ""
                self.stderr.write(where + error.contract_line())
            left = exc.total - len(exc.errors)
            if left > 0:
                self.stderr.write(_("... dan %(count)d kesalahan lain") % {"count": left})
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        for desa in result.desa:
            self.stdout.write(
                f"{desa.kode_desa} {desa.year}: "
                + _("%(lines)d rincian anggaran, %(real)d baris realisasi%(replaced)s")
                % {
                    "lines": desa.lines,
                    "real": desa.realisation_rows,
                    "replaced": _(" (menggantikan impor sebelumnya)") if desa.replaced else "",
                }
            )
