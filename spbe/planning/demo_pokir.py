"""Demo pokir through their own chain, and a demo citizen with a proposal waiting at the demo desa's forum.

Three DPRD members (the demo ``dprd`` login and two colleagues) each bring a dozen pokir back from their
recess; most are sent to the secretariat, which (as the demo ``setwan`` login) returns a few with a note
and forwards the rest in one batch; the agency, Bappeda (``bappeda``) and the Musrenbang kabupaten
(``tapd``) then decide some of them, so pokir stand at every stage. The citizen ``warga@contoh.id`` (demo
password) has one proposal taken in by the desa forum and one waiting. All through the services, as users
would; safe to run again (a pemda whose members already have pokir is left as it is).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core import signing

from spbe.accounts.demo import DEMO_PASSWORD, DEMO_VILLAGE
from spbe.accounts.models import Membership, Pemda, PerangkatDaerah, Role, User, VillageGovernment
from spbe.accounts.services import membership_grant, user_create
from spbe.core.actors import Actor

from . import calendar, citizen, plans_funding, pokir
from .models import Proposal, Stage
from .models_pokir import PokirDetail
from .services import proposals_decide_many

SEASON = 2028
PER_MEMBER = 12
MEMBERS = (
    ("dprd", "Anggota DPRD", "Banyuwangi 1"),
    ("dprd.fraksi2", "H. Slamet Riyadi", "Banyuwangi 3"),
    ("dprd.fraksi3", "Ni Made Ayu Lestari", "Banyuwangi 5"),
)
CITIZEN = ("warga@contoh.id", "Warga Demo")
IDEAS = [
    ("Pavingisasi gang", "Gang becek dan licin saat hujan", "m", (60, 180), "1.03.0.00.0.00.02.0000"),
    (
        "Rehabilitasi saluran drainase",
        "Genangan di permukiman setiap hujan",
        "m",
        (80, 300),
        "1.03.0.00.0.00.02.0000",
    ),
    (
        "Lampu penerangan jalan umum",
        "Jalan gelap dan rawan di malam hari",
        "titik",
        (40, 150),
        "1.03.0.00.0.00.02.0000",
    ),
    (
        "Rehabilitasi ruang kelas SD",
        "Atap kelas bocor, murid belajar bergantian",
        "unit",
        (150, 450),
        "1.01.0.00.0.00.01.0000",
    ),
    ("Bantuan alat mesin pertanian", "Petani menyewa traktor dengan biaya tinggi", "unit", (90, 250), ""),
]


def _members(pemda: Pemda, actor: Actor) -> list[tuple[User, str]]:
    found = []
    for username, full_name, dapil in MEMBERS:
        user = User.objects.filter(username=username).first() or user_create(
            actor=actor, username=username, password=DEMO_PASSWORD, full_name=full_name, pemda=pemda
        )
        if not Membership.objects.filter(user=user, pemda=pemda, role=Role.DPRD_MEMBER).exists():
            membership_grant(actor=actor, user=user, pemda=pemda, role=Role.DPRD_MEMBER)
        found.append((user, dapil))
    return found


def _agency(pemda: Pemda, code: str) -> PerangkatDaerah | None:
    return PerangkatDaerah.objects.filter(pemda=pemda, code=code).first()


def seed_pokir(pemda: Pemda, *, actor: Actor) -> str:
    if PokirDetail.objects.filter(pemda=pemda).exists():
        return "pokir: sudah ada"
    secretariat = User.objects.filter(username="setwan").first()
    planners = (User.objects.filter(username="bappeda").first(), User.objects.filter(username="tapd").first())
    if secretariat is None or None in planners:
        return "pokir: akun demo belum ada"
    rng = random.Random(SEASON * 11)
    villages = list(
        VillageGovernment.objects.filter(pemda=pemda).select_related("region").order_by("region_id")
    )
    fallback = _agency(pemda, "1.03.0.00.0.00.02.0000") or PerangkatDaerah.objects.filter(pemda=pemda).first()
    today = calendar.today_in(pemda)
    created: list[Proposal] = []
    for member, dapil in _members(pemda, actor):
        recess = pokir.Recess(
            dapil, today - timedelta(days=rng.randint(20, 90)), "Balai desa", rng.randint(30, 160)
        )
        for n in range(PER_MEMBER):
            title, problem, unit, (low, high), code = rng.choice(IDEAS)
            village = rng.choice(villages)
            created.append(
                pokir.pokir_create(
                    actor=member,
                    village=village,
                    year=SEASON,
                    recess=recess,
                    title=f"{title} {village.region.name}",
                    problem=problem,
                    volume=Decimal(rng.randint(1, 40) * (10 if unit == "m" else 1)),
                    unit_of_measure=unit,
                    estimated_cost=Decimal(rng.randint(low, high) * 1_000_000),
                    suggested_unit=(_agency(pemda, code) if code else None) or fallback,
                    address=f"Dusun {rng.choice(['Krajan', 'Sumberan', 'Kalibaru', 'Tegalrejo'])}",
                    bidang="infrastruktur" if code.startswith("1.03") else "",
                    beneficiaries=rng.randint(40, 900),
                )
            )
            if n < PER_MEMBER - 2:  # two drafts each stay with their member
                pokir.pokir_submit(actor=member, proposal=created[-1])
    waiting = list(
        Proposal.objects.filter(pk__in=[p.pk for p in created], state=Stage.SECRETARIAT)
        .select_related("village", "pemda")
        .order_by("pk")
    )
    for proposal in waiting[:3]:
        pokir.pokir_return(actor=secretariat, proposal=proposal, note="Lengkapi foto lokasi dan titik peta.")
    pokir.pokirs_forward_many(actor=secretariat, proposals=waiting[6:], note="Berkas pokir lengkap.")
    # From the agency on, as every proposal: some verified, some passed by Bappeda and accepted.
    at_agency = _stage(created, Stage.AGENCY)
    proposals_decide_many(
        actor=actor, proposals=at_agency[: len(at_agency) * 2 // 3], outcome="forward", note="Layak"
    )
    proposals_decide_many(
        actor=actor,
        proposals=at_agency[len(at_agency) * 2 // 3 :][:2],
        outcome="reject",
        note="Sudah didanai tahun berjalan",
    )
    at_bappeda = _stage(created, Stage.BAPPEDA)
    proposals_decide_many(actor=planners[0], proposals=at_bappeda[: len(at_bappeda) // 2], outcome="forward")
    at_kabupaten = _stage(created, Stage.KABUPATEN)
    # Once the year's RKPD exists each acceptance names its item, one by one: then they wait here.
    if at_kabupaten and not plans_funding.rkpd_exists(pemda.code, SEASON):
        proposals_decide_many(
            actor=planners[1], proposals=at_kabupaten[: len(at_kabupaten) // 2], outcome="forward"
        )
    citizen_line = _citizen(pemda, actor)
    counts: dict[str, int] = {}
    for state in Proposal.objects.filter(pk__in=[p.pk for p in created]).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    shown = ", ".join(f"{Stage(s).label} {n}" for s, n in sorted(counts.items()))
    return f"pokir {len(created)}: {shown}; {citizen_line}"


def _stage(created: list[Proposal], stage: str) -> list[Proposal]:
    return list(
        Proposal.objects.filter(pk__in=[p.pk for p in created], state=stage)
        .select_related("village", "pemda")
        .order_by("pk")
    )


def _citizen(pemda: Pemda, actor: Actor) -> str:
    """The demo citizen: one proposal taken in by the demo desa's forum, one waiting for it."""
    username, full_name = CITIZEN
    user = User.objects.filter(username=username).first()
    if user is None:
        # As the sign-up link would: the token is what the e-mail carries.
        token = signing.dumps(username, salt=citizen.SIGNUP_SALT)
        user = citizen.signup_confirm(actor=actor, token=token, full_name=full_name, password=DEMO_PASSWORD)
    village = VillageGovernment.objects.get(region_id=DEMO_VILLAGE)
    entries = [
        citizen.CitizenEntry(
            "Pos kamling Dusun Krajan",
            "Tidak ada tempat ronda, pencurian ternak meningkat",
            Decimal("1"),
            "unit",
            Decimal("35000000"),
            address="Dusun Krajan RT 03",
            beneficiaries=210,
        ),
        citizen.CitizenEntry(
            "Tempat sampah terpilah di balai dusun",
            "Sampah dibakar di pekarangan",
            Decimal("6"),
            "unit",
            Decimal("9000000"),
            address="Balai Dusun Sumberan",
            beneficiaries=380,
        ),
    ]
    made = [citizen.citizen_proposal_create(actor=user, place=village, year=SEASON, entry=e) for e in entries]
    operator = User.objects.filter(username="operator.desa").first()
    if operator is not None:
        citizen.citizen_proposal_accept(actor=operator, proposal=made[0])
    return f"warga {username}: {len(made)} usulan"
