"""``spbe budget_summary --pemda 35.10 --year 2028 [--version V] --format json`` (issue 7, point 8).

Amounts are JSON strings holding plain decimals (``"1234567.89"``), never floats.
"""

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.budgeting.management.commands.import_budget import pemda_or_error
from spbe.budgeting.selectors import summary, version_for
from spbe.core.errors import SpbeError


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class Command(BaseCommand):
    help = "Print a year's APBD totals (by account level and by agency) as one JSON object."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The contract's --version is the budget version; it replaces Django's "print Django's version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--version", dest="number", type=int, help="Version number (default: the newest)."
        )
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = pemda_or_error(options["pemda"])
        try:
            version = version_for(pemda, options["year"], options["number"])
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(_plain(summary(version)), ensure_ascii=False))
