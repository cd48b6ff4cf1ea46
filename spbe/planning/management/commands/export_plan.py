"""``spbe export_plan --pemda 35.10 --kind rkpd --year 2028 FILE.xlsx``: a plan as CSV or XLSX, in the
columns ``import_plan`` reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.accounts.codes import clean_org_code
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.errors import SpbeError
from spbe.planning.exports_plans import export_bytes
from spbe.planning.models_plans import PlanKind
from spbe.planning.plans import current_plan


class Command(BaseCommand):
    help = "Export a plan to CSV or XLSX (by the file's extension) in the columns import_plan reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .csv or .xlsx file to write.")
        parser.add_argument("--pemda", required=True)
        parser.add_argument("--kind", required=True, choices=PlanKind.values)
        parser.add_argument(
            "--year", type=int, required=True, help="Budget year, or first year of the period."
        )
        parser.add_argument("--skpd", default="", help="Organisation code of the agency (renstra, renja).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(_("Berkas harus berakhiran .csv atau .xlsx."))
        pemda = Pemda.objects.filter(code=options["pemda"]).first()
        if pemda is None:
            raise CommandError(_("Pemda %(code)s tidak ditemukan.") % {"code": options["pemda"]})
        unit = None
        try:
            if options["skpd"]:
                code = clean_org_code(options["skpd"])
                unit = PerangkatDaerah.objects.filter(pemda=pemda, code=code).first()
                if unit is None:
                    raise CommandError(_("Perangkat daerah %(code)s tidak ditemukan.") % {"code": code})
            plan = current_plan(pemda, options["kind"], options["year"], unit)
            if plan is None:
                raise CommandError(_("Rencana itu belum ada."))
            data = export_bytes(plan, fmt)
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        self.stdout.write(str(path))
