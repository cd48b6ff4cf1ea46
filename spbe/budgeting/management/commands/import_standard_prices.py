"""``spbe import_standard_prices --pemda 35.10 --year 2028 --kind ssh FILE``: a standard price list."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.budgeting.management.commands.import_budget import pemda_or_error
from spbe.budgeting.prices import standard_prices_import
from spbe.core.actors import system
from spbe.core.errors import REPORT_LIMIT, ImportFailed, SpbeError


class Command(BaseCommand):
    help = "Import a standard price list (kode, nama, spesifikasi, satuan, harga) from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--pemda", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--kind", required=True, choices=["ssh", "sbu", "hspk", "asb"])

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            summary = standard_prices_import(
                actor=system("import_standard_prices"),
                pemda=pemda,
                year=options["year"],
                kind=options["kind"],
                path=options["file"],
            )
        except ImportFailed as exc:
            shown = exc.errors[:REPORT_LIMIT]
            for line in [e.contract_line() for e in shown] + exc.report(REPORT_LIMIT)[len(shown) :]:
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(file)s: %(rows)d harga (%(created)d baru, %(updated)d diubah).")
            % {
                "file": summary.file,
                "rows": summary.rows,
                "created": summary.created,
                "updated": summary.updated,
            }
        )
