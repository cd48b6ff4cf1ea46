"""Perangkat daerah that an import file names and the pemda does not have yet (``--create-units``).

Every import with a ``kode_skpd, nama_skpd`` pair (service catalogue, budget) checks the new agencies the same
way and creates them the same way: in one batch, inside the import's transaction, each with its
``unit.create`` audit entry, as :func:`spbe.accounts.services.unit_create` would one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from spbe.core import audit
from spbe.core.errors import RowError, SpbeError
from spbe.core.tabular import ErrorCollector, TableRow
from spbe.core.text import clean_name, fold_search

from .models import Pemda, PerangkatDaerah

NAME_LENGTH = PerangkatDaerah._meta.get_field("name").max_length or 200
KINDS = {
    "dinas": PerangkatDaerah.Kind.DINAS,
    "badan": PerangkatDaerah.Kind.BADAN,
    "sekretariat": PerangkatDaerah.Kind.SEKRETARIAT,
    "inspektorat": PerangkatDaerah.Kind.INSPEKTORAT,
    "rsud": PerangkatDaerah.Kind.RSUD,
    "rumah": PerangkatDaerah.Kind.RSUD,
}


def unit_kind(name: str) -> str:
    """The kind of a perangkat daerah from its name, as agencies are named (Dinas ..., Badan ...)."""
    return KINDS.get(fold_search(name).split(" ", 1)[0], PerangkatDaerah.Kind.SATUAN)


@dataclass
class NewUnits:
    """The new agencies of one file: code -> (name, the first row naming it)."""

    found: dict[str, tuple[str, int]] = field(default_factory=dict)

    def check(self, errors: ErrorCollector, row: TableRow, code: str) -> bool:
        """Note ``code`` as new with the row's ``nama_skpd``; False (and an error) if the name is unusable."""

        def error(message: str) -> bool:
            errors.add(RowError(row.row, message, "nama_skpd", row.file))
            return False

        raw = row.values.get("nama_skpd", "")
        if not raw.strip():
            return error(_("nama perangkat daerah baru %(code)s wajib diisi") % {"code": code})
        try:
            name = clean_name(raw, label=_("Nama perangkat daerah"), max_length=NAME_LENGTH)
        except SpbeError as exc:
            return error(exc.message)
        if fold_search(name).startswith("kecamatan"):
            return error(
                _("kantor kecamatan tidak dibuat dari impor: kantor kecamatan mengikuti daftar wilayah")
            )
        if code in self.found and self.found[code][0] != name:
            earlier, first_row = self.found[code]
            return error(
                _("perangkat daerah %(code)s dinamai '%(name)s' di baris %(row)d")
                % {"code": code, "name": earlier, "row": first_row}
            )
        self.found.setdefault(code, (name, row.row))
        return True

    def create(self, pemda: Pemda) -> tuple[list[PerangkatDaerah], list[audit.Change]]:
        """Create them in one batch; the audit changes go into the import's ``record_many``."""
        created = PerangkatDaerah.objects.bulk_create(
            [
                PerangkatDaerah(pemda=pemda, code=code, name=name, kind=unit_kind(name))
                for code, (name, _row) in sorted(self.found.items())
            ]
        )
        changes = [
            audit.Change("unit.create", unit, pemda_code=pemda.code, after=audit.snapshot(unit))
            for unit in created
        ]
        return created, changes
