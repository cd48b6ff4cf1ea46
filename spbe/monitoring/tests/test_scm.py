"""Show-cause meetings and escalating warnings: SCM I-III in order, outcomes decided by the next report,
a notice and one e-mail to the agency head and Bappeda each time a contract turns critical or a target is
missed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from spbe.accounts.models import User
from spbe.core.actors import system
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.monitoring import scm, services
from spbe.monitoring.escalation import send_mail
from spbe.monitoring.models import Escalation, EscalationKind, Notice, ScmOutcome, ShowCauseMeeting

from .conftest import TODAY
from .helpers import new_contract, new_project

pytestmark = pytest.mark.django_db


def _report(monitors, project, day, percent):
    return services.report_submit(
        actor=monitors.supervisor, project=project, reported_on=day, percent=percent
    )


def _on_plan(world, monitors):
    """A road project at 78% on 30 June against a plan of 77.38%: not critical."""
    project = new_project(world)
    new_contract(world, project)
    _report(monitors, project, dt.date(2027, 6, 29), "78")
    services.plan_set(
        actor=world.agency_operator_a,
        project=project,
        points=[(dt.date(2027, 5, 31), "70"), (dt.date(2027, 9, 30), "100")],
    )
    project.refresh_from_db()
    assert not project.is_critical and not Escalation.objects.exists()
    return project


def _critical(world, monitors, capture):
    """The project on plan, then a correction to 60% arrives: critical in period II (deviasi 17.38)."""
    User.objects.filter(pk=world.agency_head_a.pk).update(email="kepala@dinas.example")
    User.objects.filter(pk=monitors.planner.pk).update(email="bappeda@pemda.example")
    project = _on_plan(world, monitors)
    with capture(execute=True):
        _report(monitors, project, TODAY, "60")
    project.refresh_from_db()
    assert project.is_critical
    return project


def test_turning_critical_notifies_the_agency_head_and_bappeda_once(
    world, monitors, django_capture_on_commit_callbacks
):
    project = _critical(world, monitors, django_capture_on_commit_callbacks)
    escalation = Escalation.objects.get(project=project)
    assert (escalation.kind, escalation.level, escalation.episode) == (EscalationKind.CRITICAL, 0, 1)
    assert (escalation.planned_percent, escalation.actual_percent) == (Decimal("77.38"), Decimal("60.00"))
    recipients = set(Notice.objects.filter(escalation=escalation).values_list("recipient_id", flat=True))
    assert recipients == {world.agency_head_a.pk, monitors.planner.pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["bappeda@pemda.example", "kepala@dinas.example"]
    assert "kontrak kritis" in mail.outbox[0].subject
    assert f"/monitoring/pekerjaan/{project.pk}/" in mail.outbox[0].body
    assert escalation.pk and Escalation.objects.get(pk=escalation.pk).mailed_at is not None
    # A second report while still critical, and the daily refresh, raise nothing new; the mail is not resent.
    with django_capture_on_commit_callbacks(execute=True):
        _report(monitors, project, TODAY, "61")
        services.projects_status_refresh(actor=system("contracts_refresh"), pemda=world.pemda_a)
    assert Escalation.objects.filter(project=project).count() == 1
    assert send_mail(escalation.pk) == 0
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="project.escalation", object_id=str(escalation.pk)).count() == 1


def test_a_rolled_back_report_mails_nobody(world, monitors, django_capture_on_commit_callbacks, monkeypatch):
    User.objects.filter(pk=world.agency_head_a.pk).update(email="kepala@dinas.example")
    project = _on_plan(world, monitors)
    original = services.audit.record

    def failing(**kwargs):
        if kwargs["action"] == "progress_report.submit":
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(services.audit, "record", failing)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _report(monitors, project, TODAY, "60")
    assert mail.outbox == [] and not Escalation.objects.exists() and not Notice.objects.exists()


def test_scm_stages_follow_missed_targets(world, monitors, django_capture_on_commit_callbacks):
    project = _critical(world, monitors, django_capture_on_commit_callbacks)
    head = world.agency_head_a
    with pytest.raises(Conflict, match="SCM II"):
        scm.scm_record(
            actor=head,
            project=project,
            stage=2,
            held_on=TODAY,
            attendees="PPK, penyedia",
            agreed_percent="70",
            target_on=TODAY + dt.timedelta(days=14),
        )
    with pytest.raises(PermissionDenied):
        scm.scm_record(
            actor=monitors.supervisor,
            project=project,
            stage=1,
            held_on=TODAY,
            attendees="PPK",
            agreed_percent="70",
            target_on=TODAY + dt.timedelta(days=14),
        )
    first = scm.scm_record(
        actor=head,
        project=project,
        stage=1,
        held_on=dt.date(2027, 6, 20),
        attendees="PPK, konsultan pengawas, penyedia",
        agreed_percent="70",
        target_on=dt.date(2027, 6, 28),
        notes="Tambah tenaga kerja dan alat berat",
    )
    assert (first.episode, first.stage, first.outcome) == (1, 1, ScmOutcome.PENDING)
    with pytest.raises(Conflict, match="SCM I sudah"):
        scm.scm_record(
            actor=head,
            project=project,
            stage=1,
            held_on=TODAY,
            attendees="PPK",
            agreed_percent="70",
            target_on=TODAY + dt.timedelta(days=7),
        )
    # The first report after the meeting: past the target date and below 70%: missed, and escalated.
    with django_capture_on_commit_callbacks(execute=True):
        report = _report(monitors, project, TODAY, "65")
    first.refresh_from_db()
    assert (first.outcome, first.outcome_report_id, first.outcome_percent) == (
        ScmOutcome.MISSED,
        report.pk,
        Decimal("65.00"),
    )
    missed = Escalation.objects.get(project=project, kind=EscalationKind.SCM_MISSED)
    assert (missed.level, missed.episode, missed.meeting_id) == (1, 1, first.pk)
    assert any("SCM I " in m.subject for m in mail.outbox)
    # SCM II must come after SCM I's target date, and not agree on less.
    with pytest.raises(ValidationFailed, match="setelah tanggal target"):
        scm.scm_record(
            actor=head,
            project=project,
            stage=2,
            held_on=dt.date(2027, 6, 28),
            attendees="PPK",
            agreed_percent="75",
            target_on=dt.date(2027, 7, 10),
        )
    second = scm.scm_record(
        actor=head,
        project=project,
        stage=2,
        held_on=TODAY,
        attendees="PPK, penyedia",
        agreed_percent="72",
        target_on=dt.date(2027, 7, 14),
    )
    assert second.stage == 2
    with pytest.raises(Conflict, match="SCM III"):
        scm.scm_record(
            actor=head,
            project=project,
            stage=3,
            held_on=TODAY,
            attendees="PPK",
            agreed_percent="80",
            target_on=dt.date(2027, 7, 20),
        )
    # A report reaching the agreed % before the target date: met (the contract is still critical).
    report = _report(monitors, project, TODAY, "72")
    second.refresh_from_db()
    assert (second.outcome, second.outcome_report_id) == (ScmOutcome.MET, report.pk)
    assert scm.next_stage(project) is None
    # Returned, that report stops deciding: the meeting waits for the next report again.
    services.report_return(actor=head, report=report, note="Foto tidak sesuai lokasi")
    second.refresh_from_db()
    assert (second.outcome, second.outcome_report_id) == (ScmOutcome.PENDING, None)
    # The calendar decides when no report comes: past the target date the daily refresh marks it missed.
    services.projects_status_refresh(
        actor=system("contracts_refresh"), pemda=world.pemda_a, on=dt.date(2027, 7, 15)
    )
    second.refresh_from_db()
    assert (second.outcome, second.outcome_report_id) == (ScmOutcome.MISSED, None)
    assert Escalation.objects.filter(project=project, kind=EscalationKind.SCM_MISSED, level=2).count() == 1
    project.refresh_from_db()
    assert project.is_critical and scm.next_stage(project) == 3
    assert set(
        AuditEntry.objects.filter(object_type="monitoring.showcausemeeting").values_list("action", flat=True)
    ) == {
        "scm.record",
        "scm.outcome",
        "scm.outcome_reopened",
    }


def test_scm_i_only_for_a_critical_contract(world, monitors):
    project = _on_plan(world, monitors)
    assert not project.is_critical
    with pytest.raises(Conflict, match="hanya untuk kontrak"):
        scm.scm_record(
            actor=world.agency_head_a,
            project=project,
            stage=1,
            held_on=TODAY,
            attendees="PPK",
            agreed_percent="70",
            target_on=TODAY + dt.timedelta(days=7),
        )
    assert not ShowCauseMeeting.objects.exists()


def test_a_recovered_contract_that_turns_critical_again_is_a_new_episode(
    world, monitors, django_capture_on_commit_callbacks
):
    project = _critical(world, monitors, django_capture_on_commit_callbacks)
    _report(monitors, project, TODAY, "78")
    project.refresh_from_db()
    assert not project.is_critical
    _report(monitors, project, TODAY, "60")
    assert list(
        Escalation.objects.filter(project=project, kind=EscalationKind.CRITICAL).values_list(
            "episode", flat=True
        )
    ) == [2, 1]


def test_notices_are_their_recipients_own(world, monitors, django_capture_on_commit_callbacks):
    project = _critical(world, monitors, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(recipient=world.agency_head_a, escalation__project=project)
    with pytest.raises(NotFound):
        scm.notice_read(actor=monitors.planner, pemda=world.pemda_a, pk=notice.pk)
    scm.notice_read(actor=world.agency_head_a, pemda=world.pemda_a, pk=notice.pk)
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert list(scm.notices_for(monitors.supervisor, world.pemda_a)) == []
