"""``spbe import_plan --pemda 35.10 --kind rkpd --year 2028 FILE``: a plan from CSV or XLSX, all or none."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.planning.models_plans import PlanKind
from spbe.planning.plans import plan_import


class Command(BaseCommand):
    help = (
        "Import a plan: rpjmd and renstra (--year or --period: the first year of the five) with the columns "
        "jenis, kode, uraian, induk, kode_skpd, indikator, satuan, baseline, target_1..target_5, "
        "pagu_1..pagu_5; rkpd and renja (--year) with kode_skpd, kode_sub_kegiatan, lokasi, "
        "indikator_keluaran, target, satuan, pagu_indikatif. Renstra and Renja need --skpd. Nothing is "
        "written unless every row is valid; errors are printed as 'row N, column X: reason'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--kind", required=True, choices=PlanKind.values)
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--year", type=int, help="Budget year (rkpd, renja) or first year of the period.")
        when.add_argument("--period", help="Five-year period of an rpjmd or renstra, e.g. 2026-2030.")
        parser.add_argument("--skpd", default="", help="Organisation code of the agency (renstra, renja).")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if year is None:
            first, _sep, last = (options["period"] or "").partition("-")
            if not (first.isdigit() and last.isdigit() and int(last) - int(first) == 4):
                raise CommandError(_("--period harus lima tahun, mis. 2026-2030."))
            year = int(first)
        try:
            result = plan_import(
                options["file"],
                actor=system("import_plan"),
                pemda_code=options["pemda"],
                kind=options["kind"],
                year=year,
                unit_code=options["skpd"],
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error.contract_line())
            left = exc.total - len(exc.errors)
            if left > 0:
                self.stderr.write(_("... dan %(count)d kesalahan lain") % {"count": left})
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(plan)s: %(rows)d baris (%(added)d baru, %(kept)d diperbarui, %(removed)d dihapus).")
            % {
                "plan": str(result.plan),
                "rows": result.rows,
                "added": result.added,
                "kept": result.changed,
                "removed": result.removed,
            }
        )
