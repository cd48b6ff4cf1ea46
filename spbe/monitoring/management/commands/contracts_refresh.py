"""``spbe contracts_refresh --pemda 35.10 [--on YYYY-MM-DD]``: the daily critical-contract check.

Run once a day (cron, a systemd timer): a contract can become critical without any new report, simply
because the plan moved on. Prints how many contracts were assessed, how many are critical and how many
changed; each change is an audit entry (``project.critical`` / ``project.not_critical``).
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.actors import system
from spbe.core.errors import SpbeError
from spbe.monitoring.services import projects_status_refresh


class Command(BaseCommand):
    help = "Recompute the critical-contract status of every contracted project of a pemda."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", required=True, help="Region code of the pemda, e.g. 35.10.")
        parser.add_argument("--on", help="The day to assess, YYYY-MM-DD (default: today in the pemda).")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = Pemda.objects.filter(code=options["pemda"]).first()
        if pemda is None:
            raise CommandError(_("Pemda dengan kode %(code)s tidak ada.") % {"code": options["pemda"]})
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(
                    _("Tanggal '%(value)s' harus berbentuk TTTT-BB-HH.") % {"value": options["on"]}
                ) from None
        try:
            result = projects_status_refresh(actor=system("contracts_refresh"), pemda=pemda, on=on)
        except SpbeError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _("%(assessed)d kontrak dinilai, %(critical)d kritis, %(changed)d berubah status.")
            % {"assessed": result.assessed, "critical": result.critical, "changed": result.changed}
        )
