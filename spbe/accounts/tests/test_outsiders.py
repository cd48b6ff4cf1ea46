"""Every scoped URL answers 404 to an outsider, and shows nothing of another tenant or desa."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from spbe.villages.tests.books_helpers import POST_ONLY as BOOKS_POST_ONLY
from spbe.villages.tests.entry_helpers import INSIDERS as ENTRY_INSIDERS
from spbe.villages.tests.entry_helpers import POST_ONLY as ENTRY_POST_ONLY
from spbe.villages.tests.entry_helpers import scoped_urls as entry_urls

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The monitoring routes serve report photos: their files go to a folder of this test.
    settings.MEDIA_ROOT = tmp_path / "media"


def _monitoring(world):
    """A contracted project of unit A with a photographed report, and the unit's field supervisor."""
    from conftest import grant, make_user
    from spbe.accounts.models import Role, User
    from spbe.core.tests.photo_factory import make_photo
    from spbe.monitoring.models import ReportPhoto
    from spbe.monitoring.services import pemda_today, report_submit
    from spbe.monitoring.tests.helpers import new_contract, new_project

    photo = ReportPhoto.objects.select_related("report__project").first()
    if photo is not None:
        return photo, User.objects.get(username="supervisor.outsiders")
    a = world.pemda_a
    supervisor = grant(make_user("supervisor.outsiders", a), a, Role.FIELD_SUPERVISOR, unit=world.unit_a)
    project = new_project(world)
    today = pemda_today(a)
    new_contract(world, project, signed_on=today, starts_on=today, ends_on=today + dt.timedelta(days=90))
    report = report_submit(
        actor=supervisor,
        project=project,
        reported_on=today,
        percent="5",
        photo_files=[make_photo(latitude="-8.2192", longitude="114.3691")],
    )
    return ReportPhoto.objects.get(report=report), supervisor


def _notice_of_head_a(world, project) -> int:
    """An early-warning notice of unit A's head about ``project`` (the same one on every call)."""
    from spbe.monitoring.models import Escalation, Notice

    found = Notice.objects.filter(recipient=world.agency_head_a).first()
    if found is None:
        escalation = Escalation.objects.create(
            pemda=world.pemda_a, project=project, kind="critical", level=0, episode=1, on=dt.date(2027, 6, 30)
        )
        found = Notice.objects.create(
            pemda=world.pemda_a, escalation=escalation, recipient=world.agency_head_a
        )
    return found.pk


def insider(world, name):
    """Who may open route ``name`` in pemda A: its admin, one of INSIDERS, or for a project the unit's field
    supervisor (not in the world: made with the project)."""
    if name in INSIDERS:
        return getattr(world, INSIDERS[name])
    if name.startswith(("monitoring:", "monitoring-dashboard:")):
        return _monitoring(world)[1]
    if name.startswith("planning:pokir"):
        member, secretariat, _pokir = _pokir_people(world)
        return (
            secretariat if name in ("planning:pokir-secretariat", "planning:pokir-forward-many") else member
        )
    return getattr(world, INSIDERS.get(name, "officer_a"))


def scoped_urls(world) -> dict[str, str]:
    """A concrete URL of pemda A for every route under /app/<pemda_code>/ (kept in step with urls.py)."""
    a = world.pemda_a.code
    auditor_role = world.auditor.memberships.get()
    photo, _supervisor = _monitoring(world)
    report = photo.report
    return {
        "monitoring:project-list": f"/app/{a}/monitoring/",
        "monitoring:project-detail": f"/app/{a}/monitoring/pekerjaan/{report.project_id}/",
        "monitoring:report-create": f"/app/{a}/monitoring/pekerjaan/{report.project_id}/lapor/",
        "monitoring:report-check": f"/app/{a}/monitoring/laporan/{report.pk}/",
        "monitoring:photo": f"/app/{a}/monitoring/foto/{photo.pk}/",
        "monitoring:curve-edit": f"/app/{a}/monitoring/pekerjaan/{report.project_id}/kurva/",
        "monitoring:curves-import": f"/app/{a}/monitoring/kurva-impor/",
        "monitoring:scm": f"/app/{a}/monitoring/pekerjaan/{report.project_id}/scm/",
        "monitoring:notices": f"/app/{a}/monitoring/peringatan/",
        "monitoring:notice-read": (
            f"/app/{a}/monitoring/peringatan/{_notice_of_head_a(world, report.project)}/baca/"
        ),
        "monitoring:rfk": f"/app/{a}/monitoring/rfk/",
        "monitoring:e81": f"/app/{a}/monitoring/e81/",
        "monitoring-dashboard:dashboard": f"/app/{a}/monitoring/dasbor/",
        "accounts:pemda-dashboard": f"/app/{a}/",
        "accounts:unit-list": f"/app/{a}/perangkat-daerah/",
        "accounts:unit-detail": f"/app/{a}/perangkat-daerah/{world.unit_a.pk}/",
        "accounts:village-list": f"/app/{a}/desa/",
        "accounts:village-detail": f"/app/{a}/desa/{world.desa_x.code}/",
        "accounts:audit-log": f"/app/{a}/audit/",
        "accounts:user-list": f"/app/{a}/pengguna/",
        "accounts:membership-revoke": f"/app/{a}/pengguna/keanggotaan/{auditor_role.pk}/cabut/",
        "accounts:user-detail": f"/app/{a}/pengguna/{world.auditor.pk}/",
        "accounts:user-password-reset": f"/app/{a}/pengguna/{world.auditor.pk}/kata-sandi/",
        "accounts:user-account-action": f"/app/{a}/pengguna/{world.auditor.pk}/lock/",
        "complaints:staff-list": f"/app/{a}/pengaduan/",
        "lounge:staff-events": f"/app/{a}/jemput-bola/",
        "complaints:staff-detail": f"/app/{a}/pengaduan/{_complaint_of_pemda_a(world).ticket}/",
        "planning:proposal-list": f"/app/{a}/usulan/",
        "planning:proposal-detail": f"/app/{a}/usulan/{_proposal_of_desa_x(world).public_id}/",
        "planning-kecamatan-annex": (
            f"/app/{a}/musrenbang/2028/kecamatan/{world.desa_x.kecamatan.district_id}/lampiran.pdf"
        ),
        **_transfer_urls(world),
        **_stage_urls(world),
        **_lounge_urls(world),
        **_plan_urls(world),
        **_budget_urls(world),
        **_planning_photo_urls(world),
        **_pokir_and_citizen_urls(world),
        **_books_urls(world),
        **_realisation_urls(world),
        **_holiday_urls(world),
        **entry_urls(world),
    }


def _holiday_urls(world) -> dict[str, str]:
    from spbe.core.models import LocalHoliday

    a = world.pemda_a.code
    holiday, _new = LocalHoliday.objects.get_or_create(
        pemda_code=a, day=dt.date(2027, 3, 3), defaults={"name": "Hari Jadi"}
    )
    return {
        "accounts:holiday-list": f"/app/{a}/hari-libur/",
        "accounts:holiday-year": f"/app/{a}/hari-libur/2027/",
        "accounts:holiday-remove": f"/app/{a}/hari-libur/hapus/{holiday.pk}/",
    }


def _rkpd_id(world) -> int:
    from spbe.planning.tests.plans_helpers import rkpd_of_pemda_a

    return rkpd_of_pemda_a(world).pk


def _plan_urls(world) -> dict[str, str]:
    from spbe.planning.tests.plans_helpers import rkpd_of_pemda_a

    a, pk = world.pemda_a.code, rkpd_of_pemda_a(world).pk
    return {
        "planning-plans:list": f"/app/{a}/rencana/",
        "planning-plans:detail": f"/app/{a}/rencana/{pk}/",
        "planning-plans:pdf": f"/app/{a}/rencana/{pk}/dokumen.pdf",
    }


def _budget_urls(world) -> dict[str, str]:
    """E-budgeting's staff pages, on unit A's RKA with one detail row (the same one on every call)."""
    from spbe.budgeting import fungsi
    from spbe.budgeting.models import RkaDetail
    from spbe.budgeting.tests.conftest import _account_rows, _nomenclature_rows
    from spbe.budgeting.tests.helpers import ROAD, SYSTEM, add, draft, line, rka
    from spbe.reference.models import Account, Nomenclature

    detail = (
        RkaDetail.objects.filter(line__pemda=world.pemda_a, line__version__year=2028)
        .select_related("line")
        .first()
    )
    if detail is None:
        Nomenclature.objects.bulk_create(_nomenclature_rows())
        Account.objects.bulk_create(_account_rows())
        fungsi.load(2028, actor=SYSTEM)  # the summary by function reads the year's list
        detail = add(line(rka(draft(world.pemda_a), world.unit_a)), "1000")
    road = detail.line
    a, v, unit = world.pemda_a.code, road.version_id, world.unit_a.code
    return {
        "budgeting:version-list": f"/app/{a}/anggaran/",
        "budgeting:compare": f"/app/{a}/anggaran/banding/?dari={v}&ke={v}",
        "budgeting:version-detail": f"/app/{a}/anggaran/versi/{v}/",
        "budgeting:ceilings": f"/app/{a}/anggaran/versi/{v}/pagu/",
        "budgeting:checks": f"/app/{a}/anggaran/versi/{v}/pemeriksaan/",
        "budgeting:rka-detail": f"/app/{a}/anggaran/versi/{v}/rka/{unit}/",
        "budgeting:rka-group": f"/app/{a}/anggaran/versi/{v}/rka/{unit}/kegiatan/{ROAD}/",
        "budgeting:rka-document-pdf": f"/app/{a}/anggaran/versi/{v}/rka/{unit}/dokumen.pdf",
        "budgeting:rka-document-xlsx": f"/app/{a}/anggaran/versi/{v}/rka/{unit}/dokumen.xlsx",
        "budgeting:summary-pdf": f"/app/{a}/anggaran/versi/{v}/ringkasan.pdf",
        "budgeting:summary-xlsx": f"/app/{a}/anggaran/versi/{v}/ringkasan.xlsx",
        "budgeting:detail-add": f"/app/{a}/anggaran/baris/{road.pk}/rincian/",
        "budgeting:detail-edit": f"/app/{a}/anggaran/rincian/{detail.pk}/",
        "budget-fungsi:summary": f"/app/{a}/anggaran/versi/{v}/fungsi/",
        "budget-fungsi:summary-pdf": f"/app/{a}/anggaran/versi/{v}/fungsi.pdf",
        "budget-fungsi:summary-xlsx": f"/app/{a}/anggaran/versi/{v}/fungsi.xlsx",
        "rkpd-link:start": f"/app/{a}/anggaran/versi/{v}/rka/{unit}/mulai-rkpd/",
    }


def _planning_photo_urls(world) -> dict[str, str]:
    """Proposal entry and the photos of desa X's proposal (one photo, made once per test)."""
    from spbe.core.tests.photo_factory import make_photo
    from spbe.planning.models_photos import ProposalPhoto
    from spbe.planning.photos import proposal_photos_add

    a, proposal = world.pemda_a.code, _proposal_of_desa_x(world)
    photo = ProposalPhoto.objects.filter(proposal=proposal).first()
    if photo is None:
        (photo,) = proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[make_photo()])
    base = f"/app/{a}/usulan/{proposal.public_id}/foto/"
    return {
        "planning:proposal-new": f"/app/{a}/usulan/baru/",
        "planning:photo-add": base,
        "planning:photo": f"{base}{photo.pk}/",
        "planning:photo-remove": f"{base}{photo.pk}/hapus/",
    }


def _pokir_people(world):
    """A DPRD member of pemda A with a pokir at the secretariat, and the secretariat (made once per test)."""
    from spbe.accounts.models import User
    from spbe.planning.models import Proposal
    from spbe.planning.pokir import pokir_submit
    from spbe.planning.tests.pokir_helpers import dprd, new_pokir

    if not User.objects.filter(username="dprd.satu").exists():
        people = dprd(world)
        pokir_submit(actor=people.member, proposal=new_pokir(world, people.member))
    member = User.objects.get(username="dprd.satu")
    pokir = Proposal.objects.get(source="pokir", pokir__member=member)
    return member, User.objects.get(username="setwan.a"), pokir


def _citizen_draft_of_desa_x(world):
    """A citizen's proposal waiting at desa X's forum (made once per test)."""
    from decimal import Decimal

    from spbe.accounts.models import User
    from spbe.planning import citizen
    from spbe.planning.models import Proposal

    found = Proposal.objects.filter(village=world.desa_x, citizen_entry__isnull=False).first()
    if found is not None:
        return found
    user = User.objects.create(username="warga@contoh.id", email="warga@contoh.id", kind=User.Kind.CITIZEN)
    entry = citizen.CitizenEntry("Pos ronda", "Tidak ada pos", Decimal("1"), "unit", Decimal("1000000"))
    return citizen.citizen_proposal_create(actor=user, place=world.desa_x, year=2028, entry=entry)


def _pokir_and_citizen_urls(world) -> dict[str, str]:
    a = world.pemda_a.code
    _member, _secretariat, pokir = _pokir_people(world)
    waiting = _citizen_draft_of_desa_x(world)
    return {
        "planning:pokir-home": f"/app/{a}/pokir/",
        "planning:pokir-new": f"/app/{a}/pokir/baru/",
        "planning:pokir-secretariat": f"/app/{a}/pokir/sekretariat/",
        "planning:pokir-forward-many": f"/app/{a}/pokir/sekretariat/teruskan/",
        "planning:pokir-detail": f"/app/{a}/pokir/{pokir.public_id}/",
        "planning:citizen-forum": f"/app/{a}/usulan/warga/",
        "planning:citizen-forum-decide": f"/app/{a}/usulan/warga/{waiting.public_id}/",
    }


def _realisation_urls(world) -> dict[str, str]:
    """The realisation pages of pemda A's adopted APBD 2027."""
    _adopted_budget(world)
    base = f"/app/{world.pemda_a.code}/realisasi/2027"
    return {
        "realisation:lra": f"{base}/",
        "realisation:lra-pdf": f"{base}/lra.pdf?periode=semester1",
        "realisation:lra-xlsx": f"{base}/lra.xlsx",
        "realisation:sp2d": f"{base}/sp2d/",
        "realisation:sts": f"{base}/sts/",
        "sp2d-entry:sp2d-new": f"{base}/sp2d/baru/",
        "sp2d-entry:sts-new": f"{base}/sts/baru/",
        "sp2d-entry:upload": f"{base}/impor/",
    }


def _books_urls(world) -> dict[str, str]:
    from spbe.villages.tests.books_helpers import scoped_urls as books_urls

    return books_urls(world)


def _transfer_urls(world) -> dict[str, str]:
    from spbe.villages.tests.transfer_helpers import scenario_of_pemda_a

    a, pk = world.pemda_a.code, scenario_of_pemda_a(world).pk
    return {
        "villages:transfer-list": f"/app/{a}/transfer-desa/",
        "villages:transfer-simulate": f"/app/{a}/transfer-desa/simulasi/",
        "villages:transfer-import-dd": f"/app/{a}/transfer-desa/impor-dana-desa/",
        "villages:transfer-compare": f"/app/{a}/transfer-desa/banding/?kiri={pk}&kanan={pk}",
        "villages:transfer-detail": f"/app/{a}/transfer-desa/{pk}/",
        "villages:transfer-adopt": f"/app/{a}/transfer-desa/{pk}/tetapkan/",
    }


def _stage_urls(world) -> dict[str, str]:
    from spbe.villages.tests.stage_helpers import YEAR, released_stage

    _stage, report = released_stage(world)
    base, x = f"/app/{world.pemda_a.code}/pencairan-desa/{YEAR}/", world.desa_x.code
    return {
        "village_stages:dashboard-current": f"/app/{world.pemda_a.code}/pencairan-desa/",
        "village_stages:dashboard": base,
        "village_stages:stage": f"{base}tahap/DD/1/",
        "village_stages:release-all": f"{base}tahap/DD/1/salurkan/",
        "village_stages:release-one": f"{base}tahap/DD/1/salurkan/{x}/",
        "village_stages:plan": f"{base}atur/DD/",
        "village_stages:revenue-apply": f"{base}terapkan-alokasi/",
        "village_stages:desa": f"{base}desa/{x}/",
        "village_stages:report-submit": f"{base}desa/{x}/laporan/",
        "village_stages:activity": f"{base}desa/{x}/kegiatan/",
        "village_stages:report-action": f"{base}laporan/{report.pk}/camat_receive/",
        "village_stages:consolidated": f"{base}konsolidasi/semester1/",
        "village_stages:consolidated-xlsx": f"{base}konsolidasi/semester1.xlsx",
        "village_stages:consolidated-pdf": f"{base}konsolidasi/semester1.pdf",
    }


def _lounge_urls(world) -> dict[str, str]:
    """The queue's staff pages, on a mall built once per test (the same one on every call)."""
    from spbe.lounge import queues
    from spbe.lounge.models import Counter, KioskDevice, LoungeService
    from spbe.lounge.tests.queue_helpers import build_mall

    a = world.pemda_a.code
    counter = Counter.objects.filter(pemda=world.pemda_a).first()
    if counter is None:
        mall = build_mall(world)
        counter = mall.loket_pu
        queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name="Kios Lobi")
    kiosk = KioskDevice.objects.get(pemda=world.pemda_a)
    return {
        "lounge:queue-home": f"/app/{a}/antrean/",
        "lounge:queue-stats": f"/app/{a}/antrean/statistik/",
        "lounge:counter": f"/app/{a}/antrean/loket/{counter.pk}/",
        "lounge:counter-action": f"/app/{a}/antrean/loket/{counter.pk}/panggil/",
        "lounge:kiosk-list": f"/app/{a}/antrean/kios/",
        "lounge:kiosk-deactivate": f"/app/{a}/antrean/kios/{kiosk.pk}/nonaktif/",
        "lounge:lounge-list": f"/app/{a}/antrean/ruang/",
        "lounge:lounge-setup": f"/app/{a}/antrean/ruang/{counter.lounge.code}/",
        "lounge:lounge-withdraw": (
            f"/app/{a}/antrean/ruang/{counter.lounge.code}/layanan/"
            f"{LoungeService.objects.filter(lounge=counter.lounge).latest('pk').pk}/tutup/"
        ),
        "lounge:counter-new": f"/app/{a}/antrean/ruang/{counter.lounge.code}/loket/baru/",
        "lounge:counter-edit": f"/app/{a}/antrean/ruang/{counter.lounge.code}/loket/{counter.pk}/",
    }


# Who is let in where officer A (the pemda admin) is not: e-planning is the planners' and forums' work.
INSIDERS = {
    "planning:proposal-detail": "tapd_a",
    # The S-curve is the agency's to set; a notice is read by the one it was sent to.
    "monitoring:curve-edit": "agency_operator_a",
    "monitoring:notice-read": "agency_head_a",
    "planning-plans:list": "tapd_a",
    "planning-plans:detail": "tapd_a",
    "planning-plans:pdf": "tapd_a",
    # Adding and changing detail rows is the agency operator's work.
    "budgeting:detail-add": "agency_operator_a",
    "budgeting:detail-edit": "agency_operator_a",
    "rkpd-link:start": "agency_operator_a",
    # SP2D and STS are entered by the treasury (BPKAD: the TAPD role).
    "sp2d-entry:sp2d-new": "tapd_a",
    "sp2d-entry:sts-new": "tapd_a",
    "sp2d-entry:upload": "tapd_a",
    "planning:proposal-new": "operator_x",
    "planning:photo-add": "tapd_a",
    "planning:photo": "tapd_a",
    "planning:photo-remove": "tapd_a",
    "planning:citizen-forum": "operator_x",
    "planning:citizen-forum-decide": "operator_x",
    **ENTRY_INSIDERS,
}


def _complaint_of_pemda_a(world):
    """A complaint of pemda A (the same one on every call within a test)."""
    from spbe.complaints.models import Complaint
    from spbe.complaints.tests.conftest import submit

    found = Complaint.objects.filter(pemda=world.pemda_a).first()
    return found if found is not None else submit(world)


# Routes that only take POST (or change something on POST); the rest are read with GET.
POST_ONLY = {
    "accounts:membership-revoke",
    "accounts:user-account-action",
    "accounts:user-password-reset",
    "villages:transfer-adopt",
    "villages:transfer-simulate",
    "villages:transfer-import-dd",
    "village_stages:release-all",
    "village_stages:revenue-apply",
    "village_stages:release-one",
    "village_stages:report-submit",
    "village_stages:activity",
    "village_stages:report-action",
    "lounge:counter-action",
    "lounge:kiosk-deactivate",
    "lounge:lounge-withdraw",
    "planning:photo-add",
    "planning:photo-remove",
    "planning:pokir-forward-many",
    "planning:citizen-forum-decide",
    "monitoring:notice-read",
    "rkpd-link:start",
    *BOOKS_POST_ONLY,
    *ENTRY_POST_ONLY,
}


def fetch(client, name, url):
    return client.post(url) if name in POST_ONLY else client.get(url)


def _all_patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _all_patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), f"{namespace}{p.name}"))
    return found


def test_it_covers_every_scoped_route(world):
    routes = {
        name for route, name in _all_patterns(get_resolver()) if route.startswith("app/<str:pemda_code>")
    }
    assert routes, "no scoped routes found"
    assert routes == set(scoped_urls(world)), (
        "add the new scoped URL to scoped_urls() so outsiders are tested"
    )


def test_it_answers_404_to_an_officer_of_another_pemda(world):
    client = world.client_for(world.officer_b)
    for name, url in scoped_urls(world).items():
        response = fetch(client, name, url)
        assert response.status_code == 404, f"{name} {url} gave {response.status_code}"
        assert world.pemda_a.name.encode() not in response.content


def test_it_sends_anonymous_citizens_to_sign_in(world):
    client = world.client_for(None)
    for name, url in scoped_urls(world).items():
        response = fetch(client, name, url)
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")


def test_it_lets_the_officer_of_the_pemda_in(world):
    for name, url in scoped_urls(world).items():
        client = world.client_for(insider(world, name))
        assert fetch(client, name, url).status_code in (200, 302), name


def test_it_keeps_a_village_operator_out_of_another_desa(world):
    client = world.client_for(world.operator_x)
    a = world.pemda_a.code
    assert client.get(f"/app/{a}/desa/{world.desa_x.code}/").status_code == 200
    assert client.get(f"/app/{a}/desa/{world.desa_y.code}/").status_code == 404
    listing = client.get(f"/app/{a}/desa/").content.decode()
    assert world.desa_x.region.name in listing
    assert world.desa_y.region.name not in listing
    # A village operator sees no perangkat daerah and may not read the audit log or the staff list.
    assert client.get(f"/app/{a}/perangkat-daerah/{world.unit_a.pk}/").status_code == 404
    assert client.get(f"/app/{a}/audit/").status_code == 403
    assert client.get(f"/app/{a}/pengguna/").status_code == 403
    revoke = f"/app/{a}/pengguna/keanggotaan/{world.operator_y.memberships.get().pk}/cabut/"
    assert client.post(revoke).status_code == 403
    assert world.operator_y.memberships.get().is_active


def test_it_does_not_reach_a_unit_of_another_pemda_through_its_own(world):
    client = world.client_for(world.officer_a)
    url = f"/app/{world.pemda_a.code}/perangkat-daerah/{world.unit_b.pk}/"
    assert client.get(url).status_code == 404
    url = f"/app/{world.pemda_a.code}/desa/19.06.01.2001/"
    assert client.get(url).status_code == 404


# --- the staff API under /api/v1/pemda/{code}/ ----------------------------------------------------------


def _proposal_of_desa_x(world):
    """A proposal at desa X's forum (the same one on every call within a test)."""
    from spbe.planning.models import Proposal
    from spbe.planning.tests.helpers import new_proposal

    found = Proposal.objects.filter(village=world.desa_x).first()
    return found if found is not None else new_proposal(world)


def _apbdes_lines_of_desa_x(world) -> str:
    """The line-entry URL of desa X's APBDes, which exists, so an outsider's 404 is the scope's doing."""
    from spbe.villages.models import Apbdes

    Apbdes.objects.get_or_create(pemda=world.pemda_a, village=world.desa_x, year=2027)
    return f"/api/v1/pemda/{world.pemda_a.code}/villages/{world.desa_x.code}/apbdes/2027/lines"


APBDES_MOVES = ("agree", "submit", "return", "approve", "reopen", "adopt", "revise")
APBDES_BASE = "api/v1/pemda/<code>/villages/<kode_desa>/apbdes/<year>"


def _apbdes_staff_urls(world) -> dict[str, str]:
    """Desa X's APBDes and one line of it (spbe/villages/api_staff.py): they exist, so 404 is the scope's."""
    from spbe.villages.models import Apbdes, ApbdesLine

    apbdes, _new = Apbdes.objects.get_or_create(pemda=world.pemda_a, village=world.desa_x, year=2027)
    line = ApbdesLine.objects.filter(apbdes=apbdes).first() or ApbdesLine.objects.create(
        apbdes=apbdes, account_code="4.1.1", number=1, source_code="PAD", amount=1
    )
    base = f"/api/v1/pemda/{world.pemda_a.code}/villages/{world.desa_x.code}/apbdes/2027"
    return {
        APBDES_BASE: base,
        f"{APBDES_BASE}/lines/<line_id>": f"{base}/lines/{line.pk}",
        f"{APBDES_BASE}/lines/<line_id>/notes": f"{base}/lines/{line.pk}/notes",
        **{f"{APBDES_BASE}/{move}": f"{base}/{move}" for move in APBDES_MOVES},
    }


def _adopted_budget(world):
    """Pemda A's adopted APBD of the bundled year, with unit A's RKA and one line."""
    from spbe.budgeting.tests.helpers import adopted_apbd

    version = adopted_apbd(world, 2027)
    return version, version.rkas.get(), version.lines.get()


def _realisation_api_urls(world) -> dict[str, str]:
    """The realisation routes, with an SP2D and an STS of unit A (made directly: only scope is tested)."""
    from spbe.budgeting.models import Sp2d, Sts

    a, unit = world.pemda_a, world.unit_a
    sp2d = Sp2d.objects.filter(pemda=a).first() or Sp2d.objects.create(
        pemda=a,
        unit=unit,
        year=2027,
        number="SP2D-1",
        date=dt.date(2027, 3, 1),
        kind="LS",
        sub_kegiatan="1.03.02.2.01.0001",
        account="5.2.04.01.01.0001",
        description="Aspal",
        amount="1",
    )
    sts = Sts.objects.filter(pemda=a).first() or Sts.objects.create(
        pemda=a,
        unit=unit,
        year=2027,
        number="STS-1",
        date=dt.date(2027, 3, 1),
        account="4.1.01.09.01.0001",
        description="Reklame",
        amount="1",
    )
    base = f"/api/v1/pemda/{a.code}/budget"
    return {
        "api/v1/pemda/<code>/budget/<year>/sp2d": f"{base}/2027/sp2d",
        "api/v1/pemda/<code>/budget/sp2d/<sp2d_id>/corrections": f"{base}/sp2d/{sp2d.pk}/corrections",
        "api/v1/pemda/<code>/budget/<year>/sts": f"{base}/2027/sts",
        "api/v1/pemda/<code>/budget/sts/<sts_id>/corrections": f"{base}/sts/{sts.pk}/corrections",
        "api/v1/pemda/<code>/budget/<year>/lra": f"{base}/2027/lra",
    }


def scoped_api_urls(world) -> dict[str, str]:
    """A concrete URL of pemda A for every API route under /api/v1/pemda/<code>/ (kept in step)."""
    a = world.pemda_a.code
    proposal = _proposal_of_desa_x(world)
    version, rka, line = _adopted_budget(world)
    return {
        "api/v1/pemda/<code>/budget/<year>/versions": f"/api/v1/pemda/{a}/budget/2027/versions",
        "api/v1/pemda/<code>/budget/versions/<version_id>/summary": (
            f"/api/v1/pemda/{a}/budget/versions/{version.pk}/summary"
        ),
        "api/v1/pemda/<code>/budget/versions/<version_id>/checks": (
            f"/api/v1/pemda/{a}/budget/versions/{version.pk}/checks"
        ),
        "api/v1/pemda/<code>/budget/versions/<version_id>/rka/<unit_code>": (
            f"/api/v1/pemda/{a}/budget/versions/{version.pk}/rka/{rka.unit.code}"
        ),
        "api/v1/pemda/<code>/budget/lines/<line_id>/details": (
            f"/api/v1/pemda/{a}/budget/lines/{line.pk}/details"
        ),
        **{
            f"api/v1/pemda/<code>/budget/versions/<version_id>/rka/<unit_code>/{move}": (
                f"/api/v1/pemda/{a}/budget/versions/{version.pk}/rka/{rka.unit.code}/{move}"
            )
            for move in ("submit", "return", "verify", "accept-pending")
        },
        "api/v1/pemda/<code>/budget/lines/<line_id>/review": (
            f"/api/v1/pemda/{a}/budget/lines/{line.pk}/review"
        ),
        "api/v1/pemda/<code>/budget/versions/<version_id>/adopt": (
            f"/api/v1/pemda/{a}/budget/versions/{version.pk}/adopt"
        ),
        "api/v1/pemda/<code>/budget/versions/<version_id>/revise": (
            f"/api/v1/pemda/{a}/budget/versions/{version.pk}/revise"
        ),
        **_realisation_api_urls(world),
        "api/v1/pemda/<code>/villages/<kode_desa>/apbdes/<year>/lines": _apbdes_lines_of_desa_x(world),
        **_apbdes_staff_urls(world),
        "api/v1/pemda/<code>/villages/<kode_desa>/books/<year>/spp": (
            f"/api/v1/pemda/{a}/villages/{world.desa_x.region_id}/books/2027/spp"
        ),
        "api/v1/pemda/<code>/villages/<kode_desa>/books/<year>/<kind>": (
            f"/api/v1/pemda/{a}/villages/{world.desa_x.region_id}/books/2027/bku"
        ),
        "api/v1/pemda/<code>/proposals/<public_id>/decisions": (
            f"/api/v1/pemda/{a}/proposals/{proposal.public_id}/decisions"
        ),
        "api/v1/pemda/<code>/proposals/<public_id>/duplicates": (
            f"/api/v1/pemda/{a}/proposals/{proposal.public_id}/duplicates"
        ),
        "api/v1/pemda/<code>/pokir": f"/api/v1/pemda/{a}/pokir",
        "api/v1/pemda/<code>/pokir/<public_id>/submit": (
            f"/api/v1/pemda/{a}/pokir/{_pokir_people(world)[2].public_id}/submit"
        ),
        "api/v1/pemda/<code>/pokir/forward": f"/api/v1/pemda/{a}/pokir/forward",
        "api/v1/pemda/<code>/kecamatan/<kecamatan_code>/ranking": (
            f"/api/v1/pemda/{a}/kecamatan/{world.desa_x.kecamatan.district_id}/ranking?year=2028"
        ),
        "api/v1/pemda/<code>/monitoring/rfk/<year>/<month>": f"/api/v1/pemda/{a}/monitoring/rfk/2027/6",
        "api/v1/pemda/<code>/monitoring/e81/<unit_id>/<year>/<quarter>": (
            f"/api/v1/pemda/{a}/monitoring/e81/{world.unit_a.pk}/2027/2"
        ),
        "api/v1/pemda/<code>/units": f"/api/v1/pemda/{a}/units",
        "api/v1/pemda/<code>/plans": f"/api/v1/pemda/{a}/plans",
        "api/v1/pemda/<code>/plans/<plan_id>": f"/api/v1/pemda/{a}/plans/{_rkpd_id(world)}",
        "api/v1/pemda/<code>/villages": f"/api/v1/pemda/{a}/villages",
        "api/v1/pemda/<code>/villages/<village_code>": f"/api/v1/pemda/{a}/villages/{world.desa_x.code}",
    }


def public_api_urls(world) -> dict[str, str]:
    """API routes under /api/v1/pemda/<code>/ that are public by design (published to every citizen).

    Listed by name, so a new route under the pemda prefix is either tested for outsiders above or put
    here on purpose; never public by accident.
    """
    from spbe.lounge.models import Service

    a = world.pemda_a.code
    service, _created = Service.objects.get_or_create(
        pemda=world.pemda_a, kode_layanan="PU-01", defaults={"unit": world.unit_a, "nama": "Izin Galian"}
    )
    return {
        "api/v1/pemda/<code>/proposals": f"/api/v1/pemda/{a}/proposals",
        # The tracker's map: published proposals only, as the list above.
        "api/v1/pemda/<code>/proposals.geojson": f"/api/v1/pemda/{a}/proposals.geojson",
        "api/v1/pemda/<code>/services": f"/api/v1/pemda/{a}/services",
        "api/v1/pemda/<code>/services/<kode>": f"/api/v1/pemda/{a}/services/{service.kode_layanan}",
        "api/v1/pemda/<code>/events": f"/api/v1/pemda/{a}/events",
        "api/v1/pemda/<code>/projects.geojson": f"/api/v1/pemda/{a}/projects.geojson",
        # The adopted APBD, published to every citizen (a draft is not: spbe.budgeting.tests.test_api).
        "api/v1/pemda/<code>/apbd/<year>": f"/api/v1/pemda/{a}/apbd/{_adopted_budget(world)[0].year}",
    }


# API routes that only take POST, with a valid body: the scope is checked before the state, so an outsider
# gets 404 and an anonymous client 401 whatever the body says.
API_POST_BODIES = {
    **{f"{APBDES_BASE}/{move}": {"tahap": "draft", "catatan": "x"} for move in APBDES_MOVES},
    f"{APBDES_BASE}/lines/<line_id>/notes": {"teks": "x"},
    **{
        f"api/v1/pemda/<code>/budget/versions/<version_id>/rka/<unit_code>/{move}": {"status": "submitted"}
        for move in ("submit", "return", "verify", "accept-pending")
    },
    "api/v1/pemda/<code>/budget/lines/<line_id>/review": {"keputusan": "accepted"},
    "api/v1/pemda/<code>/budget/versions/<version_id>/adopt": {"status": "draf"},
    "api/v1/pemda/<code>/budget/versions/<version_id>/revise": {"status": "ditetapkan"},
    "api/v1/pemda/<code>/pokir/<public_id>/submit": {},
    "api/v1/pemda/<code>/pokir/forward": {"public_ids": ["35.10-2028-000001"]},
}


def _api_call(client, route: str, url: str, **headers: str):
    body = API_POST_BODIES.get(route)
    if body is None:
        return client.get(url, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _bearer(user) -> dict[str, str]:
    from spbe.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_covers_every_scoped_api_route(world):
    routes = {route for route, _name in _all_patterns(get_resolver()) if route.startswith("api/v1/pemda/<")}
    assert routes, "no scoped API routes found"
    assert not set(scoped_api_urls(world)) & set(public_api_urls(world)), "a route is either scoped or public"
    assert routes == set(scoped_api_urls(world)) | set(public_api_urls(world)), (
        "add the new API route to scoped_api_urls() (or, if public by design, to public_api_urls())"
    )


def test_the_public_api_routes_answer_everyone_alike(world):
    """Public routes need no token, and an outsider's token neither opens nor closes them."""
    client = world.client_for(None)
    for url in public_api_urls(world).values():
        anonymous = client.get(url)
        assert anonymous.status_code == 200, url
        assert client.get(url, **_bearer(world.officer_b)).content == anonymous.content, url
    # They are not where the staff routes are: a staff route still refuses the same anonymous client.
    for route, url in scoped_api_urls(world).items():
        assert _api_call(client, route, url).status_code == 401, url


def test_the_api_answers_404_problems_to_an_officer_of_another_pemda(world):
    client, headers = world.client_for(None), _bearer(world.officer_b)
    for route, url in scoped_api_urls(world).items():
        response = _api_call(client, route, url, **headers)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert world.pemda_a.name.encode() not in response.content


def test_the_api_answers_401_without_a_token(world):
    client = world.client_for(world.officer_a)  # a session is not a token
    for route, url in scoped_api_urls(world).items():
        assert _api_call(client, route, url).status_code == 401, url


def test_the_api_keeps_a_village_operator_to_their_own_desa(world):
    client, headers = world.client_for(None), _bearer(world.operator_x)
    a = world.pemda_a.code
    assert client.get(f"/api/v1/pemda/{a}/villages/{world.desa_x.code}", **headers).status_code == 200
    assert client.get(f"/api/v1/pemda/{a}/villages/{world.desa_y.code}", **headers).status_code == 404
    codes = [v["code"] for v in client.get(f"/api/v1/pemda/{a}/villages", **headers).json()]
    assert codes == [world.desa_x.code]
    assert client.get(f"/api/v1/pemda/{a}/units", **headers).json() == []
    decisions = scoped_api_urls(world)["api/v1/pemda/<code>/proposals/<public_id>/decisions"]
    assert client.get(decisions, **headers).status_code == 200
    assert client.get(decisions, **_bearer(world.operator_y)).status_code == 404
    lines = _apbdes_lines_of_desa_x(world)
    assert client.get(lines, **headers).status_code == 200
    assert client.get(lines, **_bearer(world.operator_y)).status_code == 404


def test_an_agency_operator_sees_only_their_own_unit_and_a_camat_only_their_desa(world):
    client = world.client_for(None)
    a = world.pemda_a.code
    units = client.get(f"/api/v1/pemda/{a}/units", **_bearer(world.agency_operator_a)).json()
    assert [u["id"] for u in units] == [world.unit_a.pk]
    headers = _bearer(world.camat_x)
    assert client.get(f"/api/v1/pemda/{a}/villages/{world.desa_y.code}", **headers).status_code == 404
    codes = {v["code"] for v in client.get(f"/api/v1/pemda/{a}/villages", **headers).json()}
    assert world.desa_x.code in codes and world.desa_y.code not in codes


def test_a_camat_of_another_kecamatan_and_an_agency_of_another_unit_are_outsiders(world):
    """The page routes too: unit-level officers see their own place only."""
    a = world.pemda_a.code
    camat = world.client_for(world.camat_y)
    assert camat.get(f"/app/{a}/desa/{world.desa_x.code}/").status_code == 404
    assert camat.get(f"/app/{a}/desa/{world.desa_y.code}/").status_code == 200
    agency = world.client_for(world.agency_operator_a2)
    assert agency.get(f"/app/{a}/perangkat-daerah/{world.unit_a.pk}/").status_code == 404
    assert agency.get(f"/app/{a}/perangkat-daerah/{world.unit_a2.pk}/").status_code == 200
