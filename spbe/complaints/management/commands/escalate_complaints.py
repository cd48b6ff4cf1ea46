"""``spbe escalate_complaints [--pemda CODE]``: escalate complaints past their stage's deadline.

Run it daily (cron, or a scheduler calling the command); running it again changes nothing until another
deadline passes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.accounts.models import Pemda
from spbe.complaints.services import complaints_escalate
from spbe.core.actors import system


class Command(BaseCommand):
    help = "Naikkan pengaduan yang melewati tenggat tahapnya ke kepala perangkat daerah / pengelola MPP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pemda", help="kode pemda (mis. 35.10); tanpa ini: semua pemda aktif")

    def handle(self, *args: Any, **options: Any) -> None:
        pemda = None
        if options["pemda"]:
            pemda = Pemda.objects.filter(code=options["pemda"], is_active=True).first()
            if pemda is None:
                raise CommandError(f"pemda {options['pemda']} tidak ada atau tidak aktif")
        escalated = complaints_escalate(actor=system("escalate_complaints"), pemda=pemda)
        for complaint in escalated:
            self.stdout.write(
                f"{complaint.ticket}\t{complaint.state}\t{complaint.due_on}\t{complaint.escalated_to}"
            )
        self.stdout.write(f"{len(escalated)} pengaduan dinaikkan")
