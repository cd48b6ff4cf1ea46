"""``spbe seed_demo``: regions, reference data and the Banyuwangi demo with one user per role."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from spbe.accounts.demo import DEMO_PASSWORD, DEMO_PEMDA, seed_banyuwangi
from spbe.accounts.models import Role
from spbe.regions.models import Region


class Command(BaseCommand):
    help = "Load the official regions and reference data, and seed the Banyuwangi demo (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Region.objects.filter(level=Region.Level.VILLAGE).count() < 83_000:
            call_command("load_regions", stdout=self.stdout)
        call_command("load_reference", year=settings.SPBE_DEFAULT_BUDGET_YEAR, stdout=self.stdout)
        users = seed_banyuwangi()
        self.stdout.write(
            f"\nDemo pemda {DEMO_PEMDA} (Kabupaten Banyuwangi) siap. Akun demo (kata sandi: {DEMO_PASSWORD}):"
        )
        for demo in users:
            label = Role(demo.role).label if demo.role in Role.values else "Operator platform (superuser)"
            self.stdout.write(f"  {demo.username:<16} {label}")
