"""The shared workflow and versioning: capabilities at the object's place, maker-checker, conflicts, frozen
versions with content hashes, copies and line-by-line differences."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, models, transaction
from hypothesis import given
from hypothesis import strategies as st

from spbe.accounts.access import Policy
from spbe.accounts.models import Role
from spbe.accounts.tenancy import UnitOwned
from spbe.core import versions
from spbe.core.actors import system
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.fields import MoneyField
from spbe.core.models import AuditEntry
from spbe.core.workflow import Transition, Workflow

pytestmark = pytest.mark.django_db

POLICY = Policy(
    view={Role.AGENCY_OPERATOR, Role.AGENCY_HEAD, Role.TAPD, Role.AUDITOR},
    edit={Role.AGENCY_OPERATOR},
    submit={Role.AGENCY_HEAD, Role.AGENCY_OPERATOR},
    verify={Role.TAPD, Role.AGENCY_HEAD},
)
FLOW = Workflow(
    "doc",
    [
        Transition(
            "submit",
            source={"draft", "returned"},
            target="submitted",
            capability="submit",
            stamp="submitted_by",
        ),
        Transition(
            "return", source={"submitted"}, target="returned", capability="verify", note_required=True
        ),
        Transition(
            "accept", source={"submitted"}, target="accepted", capability="verify", not_by="submitted_by"
        ),
    ],
)


# Test-only models in the real registry (so their user foreign keys resolve); unmanaged, so no migration
# knows them, and their tables live only inside each test's transaction.
class Doc(UnitOwned, versions.Version):
    state = models.CharField(max_length=12, default="draft")
    submitted_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "core"
        db_table = "test_doc"
        managed = False


class Line(models.Model):  # noqa: DJ008
    version = models.ForeignKey(Doc, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(max_length=20)
    amount = MoneyField()
    note = models.CharField(max_length=50, blank=True)

    class Meta:
        app_label = "core"
        db_table = "test_doc_line"
        managed = False


@pytest.fixture
def doc_models():
    pk = "integer PRIMARY KEY" if connection.vendor == "sqlite" else "serial PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE test_doc (id {pk}, created_at timestamp NOT NULL, "
            "updated_at timestamp NOT NULL, pemda_id varchar(5) NOT NULL, unit_id integer NOT NULL, "
            "number integer NOT NULL, label varchar(60) NOT NULL, version_state varchar(8) NOT NULL, "
            "content_hash varchar(64) NOT NULL, frozen_at timestamp NULL, frozen_by_id integer NULL, "
            "based_on_id integer NULL, state varchar(12) NOT NULL, submitted_by_id integer NULL)"
        )
        cursor.execute(
            f"CREATE TABLE test_doc_line (id {pk}, version_id integer NOT NULL, code varchar(20) "
            "NOT NULL, amount bigint NOT NULL, note varchar(50) NOT NULL)"
        )
    spec = versions.LineSpec(
        lines=lambda v: Line.objects.filter(version=v),
        key=["code"],
        values=["amount", "note"],
        amount="amount",
    )
    return Doc, Line, spec


_ids = iter(range(1, 10**6))


def make_doc(doc_models, unit, lines=(("5.1.01", "100.50"), ("5.2.02", "2000000.00"))):
    Doc, Line, _spec = doc_models
    doc = Doc.objects.create(pk=next(_ids), pemda=unit.pemda, unit=unit, label="murni")
    for code, amount in lines:
        Line.objects.create(pk=next(_ids), version=doc, code=code, amount=Decimal(amount))
    return doc


def test_a_role_counts_only_at_its_own_unit(world, doc_models):
    doc_a = make_doc(doc_models, world.unit_a)
    doc_a2 = make_doc(doc_models, world.unit_a2)
    assert POLICY.can(world.agency_head_a, doc_a.place()).verify
    assert not POLICY.can(world.agency_head_a, doc_a2.place()).verify
    assert not POLICY.can(world.agency_head_a, doc_a2.place()).view
    assert POLICY.can(world.tapd_a, doc_a2.place()).verify
    # The platform operator runs the deployment; it is no agency head and no TAPD member.
    assert not POLICY.can(world.platform, doc_a.place()).granted
    # Another pemda's admin holds nothing here.
    assert not POLICY.can(world.officer_b, doc_a.place()).granted


def test_the_head_of_another_unit_cannot_move_the_document(world, doc_models):
    doc = make_doc(doc_models, world.unit_a2)
    with pytest.raises(PermissionDenied):
        FLOW.apply(doc, "submit", actor=world.agency_head_a, can=POLICY.can(world.agency_head_a, doc.place()))
    doc.refresh_from_db()
    assert doc.state == "draft"


def test_a_transition_moves_stamps_and_records_in_one_go(world, doc_models):
    doc = make_doc(doc_models, world.unit_a)
    actor = world.agency_operator_a
    FLOW.apply(doc, "submit", actor=actor, can=POLICY.can(actor, doc.place()), note="siap diverifikasi")
    assert (doc.state, doc.submitted_by_id) == ("submitted", actor.pk)
    entry = AuditEntry.objects.filter(action="doc.submit").get()
    assert (entry.actor_id, entry.pemda_code, entry.object_id) == (actor.pk, world.pemda_a.code, str(doc.pk))
    assert entry.before == {"state": "draft"}
    assert entry.after == {"state": "submitted", "note": "siap diverifikasi"}


def test_whoever_submitted_cannot_accept(world, doc_models):
    doc = make_doc(doc_models, world.unit_a)
    head = world.agency_head_a
    FLOW.apply(doc, "submit", actor=head, can=POLICY.can(head, doc.place()))
    with pytest.raises(PermissionDenied, match="empat mata"):
        FLOW.apply(doc, "accept", actor=head, can=POLICY.can(head, doc.place()))
    FLOW.apply(doc, "accept", actor=world.tapd_a, can=POLICY.can(world.tapd_a, doc.place()))
    assert doc.state == "accepted"


def test_a_return_needs_a_reason(world, doc_models):
    doc = make_doc(doc_models, world.unit_a)
    FLOW.apply(
        doc, "submit", actor=world.agency_operator_a, can=POLICY.can(world.agency_operator_a, doc.place())
    )
    with pytest.raises(ValidationFailed):
        FLOW.apply(doc, "return", actor=world.tapd_a, can=POLICY.can(world.tapd_a, doc.place()), note="  ")


def test_two_officers_moving_the_same_object_one_wins_the_other_is_told(world, doc_models):
    Doc = doc_models[0]
    doc = make_doc(doc_models, world.unit_a)
    FLOW.apply(
        doc, "submit", actor=world.agency_operator_a, can=POLICY.can(world.agency_operator_a, doc.place())
    )
    # Both loaded the document while it was submitted.
    seen_by_tapd, seen_by_head = Doc.objects.get(pk=doc.pk), Doc.objects.get(pk=doc.pk)
    FLOW.apply(seen_by_tapd, "accept", actor=world.tapd_a, can=POLICY.can(world.tapd_a, doc.place()))
    with pytest.raises(Conflict, match="pengguna lain"):
        FLOW.apply(
            seen_by_head,
            "return",
            actor=world.agency_head_a,
            can=POLICY.can(world.agency_head_a, doc.place()),
            note="x",
        )
    assert Doc.objects.get(pk=doc.pk).state == "accepted"
    assert AuditEntry.objects.filter(action__startswith="doc.").count() == 2


def test_a_transition_from_the_wrong_state_is_a_conflict(world, doc_models):
    doc = make_doc(doc_models, world.unit_a)
    with pytest.raises(Conflict):
        FLOW.apply(doc, "accept", actor=world.tapd_a, can=POLICY.can(world.tapd_a, doc.place()))


@pytest.mark.parametrize("actor", [None, "anonymous"])
def test_nobody_moves_anything(world, doc_models, actor):
    from django.contrib.auth.models import AnonymousUser

    doc = make_doc(doc_models, world.unit_a)
    who = AnonymousUser() if actor else None
    with pytest.raises(PermissionDenied):
        FLOW.apply(doc, "submit", actor=who, can=POLICY.can(who, doc.place()))
    doc.refresh_from_db()
    assert doc.state == "draft"


def test_freeze_hashes_a_canonical_form_and_refuses_later_edits(world, doc_models):
    _doc, Line, spec = doc_models
    doc = make_doc(doc_models, world.unit_a)
    versions.freeze(doc, spec, actor=world.tapd_a)
    assert doc.is_frozen and len(doc.content_hash) == 64
    assert doc.frozen_by_id == world.tapd_a.pk
    assert versions.verify_frozen(doc, spec)
    # The hash does not depend on insertion order or on the database ids.
    same = versions.content_hash(reversed(spec.rows(doc)), spec)
    assert same == doc.content_hash
    with pytest.raises(Conflict, match="sudah ditetapkan"), transaction.atomic():
        versions.ensure_draft(doc)
    # Someone changing a frozen line behind the services' back is caught by the hash.
    Line.objects.filter(version=doc, code="5.1.01").update(amount=Decimal("100.51"))
    assert not versions.verify_frozen(doc, spec)
    assert AuditEntry.objects.filter(action="core.doc.freeze", after__content_hash=doc.content_hash).exists()


def test_a_revision_starts_as_a_copy_and_the_difference_is_line_by_line(world, doc_models):
    Doc, Line, spec = doc_models
    murni = make_doc(doc_models, world.unit_a)
    versions.freeze(murni, spec, actor=world.tapd_a)
    perubahan = versions.copy_to_draft(
        murni,
        spec,
        actor=world.tapd_a,
        values={
            "pk": next(_ids),
            "pemda": murni.pemda,
            "unit": murni.unit,
            "number": 2,
            "label": "perubahan",
        },
    )
    assert perubahan.based_on_id == murni.pk and not perubahan.is_frozen
    assert versions.diff(spec.rows(murni), spec.rows(perubahan), spec).lines == []
    with transaction.atomic():
        versions.ensure_draft(perubahan)
        Line.objects.filter(version=perubahan, code="5.1.01").update(amount=Decimal("150.00"), note="naik")
        Line.objects.filter(version=perubahan, code="5.2.02").delete()
        Line.objects.create(pk=next(_ids), version=perubahan, code="5.1.02", amount=Decimal("0.25"))
    result = versions.diff(spec.rows(murni), spec.rows(perubahan), spec)
    assert [c.key for c in result.added] == [("5.1.02",)]
    assert [c.key for c in result.removed] == [("5.2.02",)]
    assert [(c.key, c.fields) for c in result.changed] == [(("5.1.01",), ("amount", "note"))]
    assert result.total_before == Decimal("2000100.50")
    assert result.total_after == Decimal("150.25")
    assert result.total_change == Decimal("-1999950.25")
    # The frozen version is untouched by its revision.
    assert versions.verify_frozen(Doc.objects.get(pk=murni.pk), spec)


_amounts = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False)


@given(
    st.dictionaries(
        st.from_regex(r"[1-6]\.[0-9]\.[0-9]{2}", fullmatch=True), _amounts, min_size=1, max_size=8
    )
)
def test_the_hash_is_the_same_for_the_same_content_in_any_order(lines):
    spec = versions.LineSpec(lines=lambda v: None, key=["code"], values=["amount"], amount="amount")
    rows = [{"code": k, "amount": v} for k, v in lines.items()]
    assert versions.content_hash(rows, spec) == versions.content_hash(list(reversed(rows)), spec)
    changed = [dict(r) for r in rows]
    changed[0]["amount"] += Decimal("0.01")
    assert versions.content_hash(changed, spec) != versions.content_hash(rows, spec)


def test_a_system_actor_is_named_in_the_record(world, doc_models):
    doc = make_doc(doc_models, world.unit_a)
    FLOW.apply(
        doc, "submit", actor=system("import_budget"), can=POLICY.can(system("import_budget"), doc.place())
    )
    entry = AuditEntry.objects.filter(action="doc.submit").get()
    assert (entry.actor_id, entry.actor_label) == (None, "sistem:import_budget")


def _can_for(actor):
    return lambda obj: POLICY.can(actor, obj.place())


def test_apply_many_moves_every_object_stamps_and_records_each(world, doc_models):
    Doc = doc_models[0]
    docs = [make_doc(doc_models, world.unit_a) for _ in range(3)]
    head = world.agency_head_a
    FLOW.apply_many(docs, "submit", actor=head, can_for=_can_for(head), note="satu rapat")
    assert {(d.state, d.submitted_by_id) for d in Doc.objects.filter(pk__in=[d.pk for d in docs])} == {
        ("submitted", head.pk)
    }
    assert all(d.state == "submitted" for d in docs)
    entries = AuditEntry.objects.filter(action="doc.submit").order_by("seq")
    assert [e.object_id for e in entries] == [str(d.pk) for d in docs]
    assert {e.after["note"] for e in entries} == {"satu rapat"}


def test_apply_many_moves_nothing_when_one_object_is_outside_the_actors_place(world, doc_models):
    Doc = doc_models[0]
    docs = [make_doc(doc_models, world.unit_a), make_doc(doc_models, world.unit_a2)]
    head = world.agency_head_a
    with pytest.raises(PermissionDenied):
        FLOW.apply_many(docs, "submit", actor=head, can_for=_can_for(head))
    assert set(Doc.objects.filter(pk__in=[d.pk for d in docs]).values_list("state", flat=True)) == {"draft"}
    assert not AuditEntry.objects.filter(action="doc.submit").exists()


def test_apply_many_moves_nothing_when_another_officer_moved_one_first(world, doc_models):
    Doc = doc_models[0]
    docs = [make_doc(doc_models, world.unit_a) for _ in range(3)]
    operator = world.agency_operator_a
    FLOW.apply_many(docs, "submit", actor=operator, can_for=_can_for(operator))
    seen = list(Doc.objects.filter(pk__in=[d.pk for d in docs]).order_by("pk"))
    FLOW.apply(
        seen[1], "return", actor=world.agency_head_a, can=_can_for(world.agency_head_a)(seen[1]), note="x"
    )
    stale = [Doc.objects.get(pk=d.pk) for d in docs]
    stale[1].state = "submitted"  # what the TAPD page still showed
    with pytest.raises(Conflict, match="tidak ada yang diproses"):
        FLOW.apply_many(stale, "accept", actor=world.tapd_a, can_for=_can_for(world.tapd_a))
    states = list(
        Doc.objects.filter(pk__in=[d.pk for d in docs]).order_by("pk").values_list("state", flat=True)
    )
    assert states == ["submitted", "returned", "submitted"]
    assert not AuditEntry.objects.filter(action="doc.accept").exists()


def test_apply_many_keeps_maker_checker_and_required_reasons(world, doc_models):
    docs = [make_doc(doc_models, world.unit_a) for _ in range(2)]
    head = world.agency_head_a
    FLOW.apply_many(docs, "submit", actor=head, can_for=_can_for(head))
    with pytest.raises(PermissionDenied, match="empat mata"):
        FLOW.apply_many(docs, "accept", actor=head, can_for=_can_for(head))
    with pytest.raises(ValidationFailed):
        FLOW.apply_many(docs, "return", actor=world.tapd_a, can_for=_can_for(world.tapd_a), note=" ")


def test_apply_many_sets_per_object_fields_in_the_same_transaction(world, doc_models):
    Doc = doc_models[0]
    docs = [make_doc(doc_models, world.unit_a) for _ in range(3)]
    operator = world.agency_operator_a
    FLOW.apply_many(
        docs,
        "submit",
        actor=operator,
        can_for=_can_for(operator),
        updates_for=lambda d: {"label": f"no-{d.pk}"},
    )
    assert {d.pk: d.label for d in Doc.objects.filter(pk__in=[d.pk for d in docs])} == {
        d.pk: f"no-{d.pk}" for d in docs
    }


def test_update_rows_stores_what_django_would_save(world, doc_models):
    from spbe.core.bulk import update_rows

    _Doc, Line, _spec = doc_models
    doc = make_doc(doc_models, world.unit_a)
    first, second = Line.objects.filter(version=doc).order_by("pk")
    update_rows(
        Line,
        ["amount", "note"],
        {first.pk: [Decimal("123456789012.34"), "satu"], second.pk: [Decimal("0.01"), ""]},
    )
    assert list(Line.objects.filter(version=doc).order_by("pk").values_list("amount", "note")) == [
        (Decimal("123456789012.34"), "satu"),
        (Decimal("0.01"), ""),
    ]
    from django.core.exceptions import FieldDoesNotExist

    with pytest.raises(FieldDoesNotExist):
        update_rows(Line, ["nothing"], {first.pk: [1]})
