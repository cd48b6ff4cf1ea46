"""``spbe load_regions``: load all of Indonesia's official regions (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spbe.core.actors import system
from spbe.core.errors import ImportFailed
from spbe.regions.loader import DATA_DIR, load_regions


class Command(BaseCommand):
    help = "Load the official Kemendagri provinces, regencies, districts and villages (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_DIR,
            help="folder with provinces/regencies/districts/villages.csv",
        )

    def handle(self, *args: Any, data_dir: Path, verbosity: int, **options: Any) -> None:
        last = [0]

        def progress(done: int, total: int, code: str) -> None:
            if verbosity > 1 and done * 10 // total != last[0]:
                last[0] = done * 10 // total
                self.stdout.write(f"  {done}/{total} ({code})")

        try:
            result = load_regions(data_dir, actor=system("load_regions"), progress=progress)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"File tidak ditemukan: {exc.filename}") from exc
        self.stdout.write(
            f"Wilayah dimuat: {result.provinces} provinsi, {result.regencies} kabupaten/kota, "
            f"{result.districts} kecamatan, {result.villages} desa/kelurahan "
            f"({result.desa} desa, {result.kelurahan} kelurahan)."
        )
