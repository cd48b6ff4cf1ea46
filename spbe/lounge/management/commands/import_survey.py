"""``spbe import_survey --pemda 35.10 FILE``: add satisfaction survey responses (paper or form export)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.errors import ImportFailed, SpbeError
from spbe.lounge.management.report import import_failure_lines, pemda_or_error
from spbe.lounge.services import survey_import


class Command(BaseCommand):
    help = (
        "Import IKM survey responses from CSV or XLSX (kode_layanan, tanggal, u1..u9 answered 1-4; "
        "optional jenis_kelamin, usia, pendidikan, pekerjaan). Nothing is written unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the .csv or .xlsx file.")
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            summary = survey_import(actor=system("import_survey"), pemda=pemda, path=options["file"])
        except ImportFailed as exc:
            for line in import_failure_lines(exc):
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(file)s: %(rows)d jawaban survei untuk %(services)d layanan.")
            % {"file": summary.file, "rows": summary.rows, "services": len(summary.by_service)}
        )
