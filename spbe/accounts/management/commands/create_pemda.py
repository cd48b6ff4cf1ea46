"""``spbe create_pemda 35.10``: make a regency a tenant with its kecamatan offices and desa governments."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.accounts.services import pemda_create
from spbe.core.actors import system
from spbe.core.errors import SpbeError


class Command(BaseCommand):
    help = "Create a pemda (tenant) for a regency/city code, with a kecamatan office per district and a "
    help += "village government per desa. Running it again adds only what is missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Kemendagri regency/city code, e.g. 35.10")

    def handle(self, *args: Any, code: str, **options: Any) -> None:
        try:
            setup = pemda_create(actor=system("create_pemda"), region_code=code.strip())
        except SpbeError as exc:
            raise CommandError(exc.message) from exc
        state = "dibuat" if setup.created else "sudah ada"
        self.stdout.write(
            f"{setup.pemda.name} ({setup.pemda.code}) {state}: {setup.kecamatan_added} kantor kecamatan dan "
            f"{setup.villages_added} pemerintah desa ditambahkan."
        )
