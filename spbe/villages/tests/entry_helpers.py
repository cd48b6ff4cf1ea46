"""Concrete URLs of the APBDes staff pages of pemda A, for spbe/accounts/tests/test_outsiders.py."""

from __future__ import annotations

import uuid
from typing import Any

from spbe.villages.models import Apbdes, ApbdesLine
from spbe.villages.services import apbdes_create, apbdes_line_save

from .books_helpers import LINES, YEAR

#: The APBDes staff routes that only take POST.
POST_ONLY = {
    "villages:entry-start",
    "villages:entry-line-remove",
    "villages:entry-note",
    "villages:entry-action",
    "villages:entry-revise",
}

#: Line entry is the desa's work: its operator is the insider of every APBDes staff route.
INSIDERS = dict.fromkeys(
    (
        "villages:entry-home",
        "villages:entry-line-new",
        "villages:entry-line-edit",
        "villages:entry-evaluation",
        "villages:entry-template",
        "villages:entry-template-download",
        "villages:entry-latest",
        "villages:entry-list",
        "villages:entry-list-current",
        *POST_ONLY,
    ),
    "operator_x",
)


def scoped_urls(world: Any) -> dict[str, str]:
    """Desa X's APBDes of the test year (the one another helper made, or a draft with one line)."""
    apbdes = Apbdes.objects.filter(village=world.desa_x, year=YEAR).order_by("-number").first()
    if apbdes is None:
        apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=LINES[0])
    line = ApbdesLine.objects.filter(apbdes=apbdes).order_by("pk").first()
    assert line is not None
    base = f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/{YEAR}/"
    return {
        "villages:entry-home": base,
        "villages:entry-start": f"{base}mulai/",
        "villages:entry-line-new": f"{base}rincian/baru/",
        "villages:entry-line-edit": f"{base}rincian/{line.pk}/",
        "villages:entry-line-remove": f"{base}rincian/{line.pk}/hapus/",
        "villages:entry-note": f"{base}rincian/{line.pk}/catatan/",
        "villages:entry-action": f"{base}aksi/",
        "villages:entry-revise": f"{base}perubahan/",
        "villages:entry-evaluation": f"{base}evaluasi/",
        "villages:entry-template": f"{base}templat/",
        "villages:entry-latest": f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/",
        "villages:entry-list": f"/app/{world.pemda_a.code}/apbdes-desa/{YEAR}/",
        "villages:entry-list-current": f"/app/{world.pemda_a.code}/apbdes-desa/",
        "villages:entry-template-download": f"{base}templat/apbdes.xlsx",
    }
