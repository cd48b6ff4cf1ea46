"""``spbe import_curves --pemda 35.10 FILE``: the planned S-curves of many projects from CSV or XLSX."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.monitoring.curve_import import plans_import


class Command(BaseCommand):
    help = (
        "Replace the planned S-curves of a pemda's projects from CSV or XLSX (kode_proyek, tanggal, "
        "rencana_kumulatif; kode_proyek is the project number or its contract's OCID). Each curve must be "
        "cumulative, 0-100, 0% up to the contract start and end at 100%. Nothing is written unless every "
        "row is valid; each error is printed as 'row N, column X: reason'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = Pemda.objects.filter(code=options["pemda"]).first()
        if pemda is None:
            raise CommandError(_("Pemda dengan kode %(code)s tidak ada.") % {"code": options["pemda"]})
        try:
            done = plans_import(actor=system("import_curves"), pemda=pemda, path=options["file"])
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error.contract_line())
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        points = sum(len(rows) for rows in done.values())
        self.stdout.write(
            _("%(projects)d kurva S pekerjaan disimpan (%(points)d titik).")
            % {"projects": len(done), "points": points}
        )
