"""``spbe verify_audit``: check the audit hash chain; exit 1 naming the first broken entry."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spbe.core.audit import verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain from the first entry to the head."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry #{result.broken_seq}: {result.reason}. "
                f"{result.count} entries before it are intact."
            )
        self.stdout.write(f"Audit chain intact: {result.count} entries, head {result.head_hash}")
