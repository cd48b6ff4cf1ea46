"""``spbe seed_demo``: regions, reference data, the Banyuwangi demo with one user per role, and each module's
demo data.

A module adds demo data by having a ``demo`` module with ``seed(pemda, *, actor) -> str`` (a summary line);
this command finds it in every installed app, in ``INSTALLED_APPS`` order, so a new module never edits this
file. Each ``seed`` writes through the module's batch services and is safe to run again.
"""

import importlib
import importlib.util
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from spbe.accounts.demo import DEMO_PASSWORD, DEMO_PEMDA, SEED, seed_banyuwangi
from spbe.accounts.models import Pemda, Role
from spbe.regions.models import Region


class Command(BaseCommand):
    help = "Load the official regions and reference data, and seed the Banyuwangi demo (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Region.objects.filter(level=Region.Level.VILLAGE).count() < 83_000:
            call_command("load_regions", stdout=self.stdout)
        call_command("load_reference", year=settings.SPBE_DEFAULT_BUDGET_YEAR, stdout=self.stdout)
        users = seed_banyuwangi()
        pemda = Pemda.objects.get(code=DEMO_PEMDA)
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if config.name == "spbe.accounts" or importlib.util.find_spec(name) is None:
                continue
            seed = getattr(importlib.import_module(name), "seed", None)
            if seed is None:
                continue
            started = time.monotonic()
            summary = seed(pemda, actor=SEED)
            self.stdout.write(f"Demo {summary} ({time.monotonic() - started:.1f} s)")
        self.stdout.write(
            f"\nDemo pemda {DEMO_PEMDA} (Kabupaten Banyuwangi) siap. Akun demo (kata sandi: {DEMO_PASSWORD}):"
        )
        for demo in users:
            label = Role(demo.role).label if demo.role in Role.values else "Operator platform (superuser)"
            self.stdout.write(f"  {demo.username:<16} {label}")
