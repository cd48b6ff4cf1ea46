"""``spbe load_reference [--year YYYY]``: load the bundled reference lists for one budget year."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, ValidationFailed
from spbe.reference.loader import load_bundled_reference


class Command(BaseCommand):
    help = "Load the bundled nomenclature, charts of accounts, village lists and funding sources for a year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Budget year (default: settings.SPBE_DEFAULT_BUDGET_YEAR).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"] or settings.SPBE_DEFAULT_BUDGET_YEAR
        try:
            summary = load_bundled_reference(year, actor=system("load_reference"))
        except ImportFailed as exc:
            # At most the first errors and a count of the rest: a file of 200,000 bad rows must not
            # bury the summary under 200,000 lines.
            for line in exc.report():
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(_("Data referensi tahun %(year)d dimuat:") % {"year": year})
        for kind, result in summary.lists.items():
            self.stdout.write(
                _(
                    "  %(kind)s: %(rows)d baris (%(created)d baru, %(updated)d diubah, %(unchanged)d tetap) "
                    "dari %(files)s"
                )
                % {
                    "kind": kind,
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "files": ", ".join(result.files),
                }
            )
        for note in summary.skipped.values():
            self.stdout.write(self.style.WARNING(note))
