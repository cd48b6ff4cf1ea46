"""``spbe seal_audit``: chain the audit entries a crashed writer committed but never sealed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spbe.core import audit
from spbe.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Seal into their chains the audit entries that were committed but not sealed (the writer stopped "
        "between its commit and the seal). Safe to run at any time; the next write to a chain does the same."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", help="only this pemda's chain ('platform' for the platform's)")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = options["pemda"]
        pending = AuditEntry.objects.filter(seq__isnull=True)
        if pemda is not None:
            pending = pending.filter(pemda_code="" if pemda == "platform" else pemda)
        codes = sorted(set(pending.order_by().values_list("pemda_code", flat=True)))
        total = 0
        for code in codes:
            sealed = audit.seal(code, wait=True)
            total += sealed
            self.stdout.write(f"{code or 'platform'}: sealed {sealed} entries")
        self.stdout.write(f"Sealed {total} audit entries in {len(codes)} chains")
