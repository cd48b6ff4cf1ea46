"""``spbe import_reference KIND FILE --year YYYY [--replace]``: import an official reference list."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.reference.loader import KINDS, import_reference


class Command(BaseCommand):
    help = (
        "Import an official reference list from CSV or XLSX (columns kode, level, nama; nomenklatur also "
        "kinerja, indikator, satuan; sumber_dana: kode, nama, lingkup). Nothing is written unless every row "
        "is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help="Which list the file holds.")
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--year", type=int, required=True, help="Budget year the list applies to.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Also delete the year's rows of this list that are not in the file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        year: int = options["year"]
        try:
            summary = import_reference(
                kind, options["file"], year, actor=system("import_reference"), replace=options["replace"]
            )
        except ImportFailed as exc:
            # At most the first errors and a count of the rest: a file of 200,000 bad rows must not
            # bury the summary under 200,000 lines.
            for line in exc.report():
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _(
                "%(kind)s tahun %(year)d diimpor dari %(file)s: %(rows)d baris "
                "(%(created)d baru, %(updated)d diubah, %(unchanged)d tetap, %(deleted)d dihapus)."
            )
            % {
                "kind": kind,
                "year": year,
                "file": ", ".join(summary.files),
                "rows": summary.rows,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "deleted": summary.deleted,
            }
        )
        for level, count in summary.by_level.items():
            self.stdout.write(f"  {level}: {count}")
