"""``spbe ikm_report --pemda 35.10 [--layanan CODE] [--skpd CODE] --from D --to D --format json``."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.core.errors import SpbeError
from spbe.lounge.management.report import pemda_or_error
from spbe.lounge.selectors import IkmScope, ikm_for


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Tanggal '%(value)s' harus berbentuk TTTT-BB-HH.") % {"value": text}) from None


class Command(BaseCommand):
    help = (
        "Print the community satisfaction index (IKM, PermenPAN-RB 14/2017) of a pemda, one service or one "
        "perangkat daerah over a period, as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--layanan", help="Only this service code.")
        parser.add_argument("--skpd", help="Only the services of this perangkat daerah (organisation code).")
        parser.add_argument("--from", dest="date_from", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["json"], default="json", help="Output format.")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = IkmScope(
            pemda=pemda_or_error(options["pemda"]),
            date_from=_date(options["date_from"]),
            date_to=_date(options["date_to"]),
            service_code=options["layanan"],
            unit_code=options["skpd"],
        )
        try:
            result = ikm_for(scope)
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        report = {
            "responden": result.respondents,
            "nrr": {key: str(value) for key, value in result.nrr.items()},
            "ikm": str(result.index),
            "mutu": result.grade,
            "kinerja": result.label,
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False))
