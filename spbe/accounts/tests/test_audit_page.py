"""The audit trail page: labels people read, the change itself, filters and pages, scoped to one pemda."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from spbe.accounts.models import Membership, Role
from spbe.accounts.services import membership_revoke
from spbe.core import audit_labels
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/app/35.10/audit/"


def rows(page: str) -> list[str]:
    return re.findall(r'<tr id="entry-(\d+)">', page)


def revoke_operator_y(world) -> Membership:
    membership = Membership.objects.get(user=world.operator_y, role=Role.VILLAGE_OPERATOR)
    membership_revoke(actor=world.officer_a, membership=membership)
    return membership


def test_entries_show_labels_and_readable_objects_not_codes(world):
    page = world.client_for(world.officer_a).get(URL).content.decode()
    assert "Peran diberikan" in page
    assert "Pemerintah desa didaftarkan" in page
    assert ">membership.grant<" not in page
    assert "accounts.membership:" not in page
    assert "operator.x — Operator desa — Pemerintah Desa Sukorejo" in page
    assert '<span class="muted">Keanggotaan</span>' in page


def test_a_change_shows_the_fields_before_and_after(world):
    membership = revoke_operator_y(world)
    page = world.client_for(world.officer_a).get(URL, {"action": "membership.revoke"}).content.decode()
    assert rows(page) == [str(AuditEntry.objects.get(action="membership.revoke").seq)]
    assert "Peran dicabut" in page
    assert "1 isian berubah" in page
    # Only the field that changed, in words: active yes -> no.
    assert re.search(r"<th scope=\"row\">Aktif</th><td>ya</td><td>tidak</td>", page)
    assert "Diubah" not in page.split('id="audit-count"')[1]  # bookkeeping timestamps are left out
    assert f"object_id={membership.pk}" in page
    assert "officer.a" in page


def test_a_creation_shows_its_first_values_with_referenced_objects_named(world):
    page = world.client_for(world.officer_a).get(URL, {"action": "membership.grant"}).content.decode()
    assert "Isi awal" in page
    assert '<th scope="row">Peran</th><td>Auditor</td>' in page
    assert '<th scope="row">Akun</th><td>Auditor.A (auditor.a)</td>' in page


def test_filters_narrow_by_actor_object_and_dates(world):
    membership = revoke_operator_y(world)
    client = world.client_for(world.auditor)
    by_actor = client.get(URL, {"actor": "OFFICER.A"}).content.decode()
    assert len(rows(by_actor)) == 1
    by_object = client.get(URL, {"object_type": "accounts.membership", "object_id": membership.pk})
    assert len(rows(by_object.content.decode())) == 2  # granted, then revoked
    today = timezone.localdate()
    assert rows(client.get(URL, {"date_from": today.isoformat()}).content.decode())
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    old = client.get(URL, {"date_to": yesterday}).content.decode()
    assert rows(old) == []
    assert "Tidak ada catatan yang sesuai saringan." in old
    backwards = client.get(URL, {"date_from": today.isoformat(), "date_to": yesterday}).content.decode()
    assert "Tanggal akhir harus sama dengan atau sesudah tanggal awal." in backwards


def test_pages_keep_the_filter(world):
    client = world.client_for(world.officer_a)
    # The fixtures' own actor wrote most of the pemda's entries.
    label = AuditEntry.objects.filter(pemda_code="35.10", actor=None).values_list("actor_label", flat=True)[0]
    total = AuditEntry.objects.filter(pemda_code="35.10", actor_label=label).count()
    assert total > 25
    first = client.get(URL, {"actor": label}).content.decode()
    assert len(rows(first)) == 25
    assert f'href="?actor={quote(label)}&amp;page=2"' in first
    second = client.get(URL, {"actor": label, "page": 2}).content.decode()
    assert len(rows(second)) == total - 25
    assert not set(rows(first)) & set(rows(second))


def test_the_trail_is_the_pemdas_own(world):
    client = world.client_for(world.officer_a)
    # Pemda B's own unit and registration are in its trail, never in A's, whatever the filter.
    assert AuditEntry.objects.filter(pemda_code="19.06", object_type="accounts.perangkatdaerah").exists()
    for filters in ({}, {"object_type": "accounts.perangkatdaerah"}, {"actor": "officer.b"}):
        page = client.get(URL, filters).content.decode()
        assert "Dinas PUPR" not in page
        assert "Belitung Timur" not in page
    own = client.get(URL, {"object_type": "accounts.perangkatdaerah"}).content.decode()
    assert "Dinas PU Bina Marga" in own
    assert world.client_for(world.officer_b).get(URL).status_code == 404
    assert world.client_for(world.operator_x).get(URL).status_code == 403


def test_the_dashboard_panel_uses_the_labels(world):
    page = world.client_for(world.officer_a).get("/app/35.10/").content.decode()
    panel = page.split('id="panel-audit"')[1].split("</section>")[0]
    assert "Peran diberikan" in panel
    assert "membership.grant" not in panel


def test_an_unregistered_action_is_shown_as_its_code_and_modules_can_register(monkeypatch):
    monkeypatch.setattr(audit_labels, "_actions", dict(audit_labels._actions))
    assert audit_labels.action_label("budget.adopt") == "budget.adopt"
    audit_labels.register("budget.adopt", "APBD ditetapkan")
    assert audit_labels.action_label("budget.adopt") == "APBD ditetapkan"
    assert ("budget.adopt", "APBD ditetapkan") in audit_labels.action_choices()
