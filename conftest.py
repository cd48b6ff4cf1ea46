"""Shared test fixtures: a small region list and the personas every scoped test uses.

Every test database (one per xdist worker) is given the small region list and the default year's bundled
reference lists once, in ``django_db_setup``; each test then runs inside a transaction that is rolled back,
so it sees that data as it was loaded and never pays for loading it again.

Personas (house style): an officer of pemda A (Banyuwangi, 35.10) and of pemda B (Belitung Timur, 19.06,
the outsider), operators of desa X and desa Y in pemda A, an auditor of pemda A, and an anonymous citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from spbe.accounts.models import Pemda, PerangkatDaerah, Role, User, VillageGovernment
from spbe.accounts.services import membership_grant, operator_create, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.reference.loader import load_bundled_reference
from spbe.regions.loader import LoadResult, load_regions

MINI_REGIONS = Path(__file__).resolve().parent / "spbe" / "regions" / "tests" / "data"
PASSWORD = "rahasia-yang-panjang-1"  # noqa: S105 (test fixture)
DESA_X = "35.10.02.2001"
DESA_Y = "35.10.03.2001"
TESTS = system("tests")

# Property tests must not fail because the machine is busy (no deadline, no "too slow" health check) and
# must find the same examples on every run and every machine (derandomized, no example database).
hypothesis_settings.register_profile(
    "spbe",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)
hypothesis_settings.load_profile("spbe")


@dataclass(frozen=True)
class SessionData:
    """What every test database holds before the first test: see ``django_db_setup``."""

    regions: LoadResult
    reference_year: int


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> SessionData:
    """Load the small region list and the default year's reference lists once per test database.

    Committed outside any test, so every test's rolled-back transaction starts from them. Tests that check
    loading itself load a different year or folder, or assert what changed.
    """
    with django_db_blocker.unblock():
        regions = load_regions(MINI_REGIONS, actor=TESTS)
        year = django_settings.SPBE_DEFAULT_BUDGET_YEAR
        load_bundled_reference(year, actor=TESTS)
    return SessionData(regions=regions, reference_year=year)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_hasher(request, settings):
    """Argon2 costs ~0.2 s a password by design; tests that check hashing itself mark ``real_hasher``."""
    if request.node.get_closest_marker("real_hasher") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(db, django_db_setup: SessionData) -> LoadResult:
    """Two provinces, four regencies and their first districts and villages (a few of each kind).

    Already in the database (see ``django_db_setup``); this is what loading them reported.
    """
    return django_db_setup.regions


@pytest.fixture
def reference_year(db, django_db_setup: SessionData) -> int:
    """The default budget year, whose bundled reference lists are already in the database."""
    return django_db_setup.reference_year


@dataclass
class World:
    """Pemda A (Banyuwangi) with officers at every kind of place, and pemda B (Belitung Timur) as outsider.

    Agency roles sit in unit A (Dinas PU) or unit A2 (Dinas Pendidikan); camat X heads the kecamatan of
    desa X and camat Y that of desa Y; village roles sit in desa X or desa Y.
    """

    pemda_a: Pemda
    pemda_b: Pemda
    officer_a: User  # pemda admin of A
    officer_b: User  # pemda admin of B: the outsider
    operator_x: User  # village operator of desa X
    operator_y: User  # village operator of desa Y
    auditor: User
    desa_x: VillageGovernment
    desa_y: VillageGovernment
    unit_a: PerangkatDaerah
    unit_b: PerangkatDaerah
    unit_a2: PerangkatDaerah
    agency_operator_a: User  # operator of unit A
    agency_head_a: User  # head of unit A
    agency_operator_a2: User  # operator of unit A2
    camat_x: User
    camat_y: User
    kades_x: User
    tapd_a: User
    platform: User  # the platform operator: runs the deployment, no role in any pemda

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_user(username: str, pemda: Pemda | None = None) -> User:
    return user_create(
        actor=TESTS, username=username, password=PASSWORD, full_name=username.title(), pemda=pemda
    )


def grant(user: User, pemda: Pemda, role: str, **place) -> User:
    membership_grant(actor=TESTS, user=user, pemda=pemda, role=role, **place)
    return user


@pytest.fixture
def world(regions) -> World:
    pemda_a = pemda_create(actor=TESTS, region_code="35.10").pemda
    pemda_b = pemda_create(actor=TESTS, region_code="19.06").pemda
    unit_a = unit_create(
        actor=TESTS, pemda=pemda_a, code="1.03.0.00.0.00.02.0000", name="Dinas PU Bina Marga", kind="dinas"
    )
    unit_a2 = unit_create(
        actor=TESTS, pemda=pemda_a, code="1.01.0.00.0.00.01.0000", name="Dinas Pendidikan", kind="dinas"
    )
    unit_b = unit_create(
        actor=TESTS, pemda=pemda_b, code="1.03.0.00.0.00.01.0000", name="Dinas PUPR", kind="dinas"
    )
    desa_x = VillageGovernment.objects.get(region_id=DESA_X)
    desa_y = VillageGovernment.objects.get(region_id=DESA_Y)
    a = pemda_a
    return World(
        pemda_a=pemda_a,
        pemda_b=pemda_b,
        officer_a=grant(make_user("officer.a", a), a, Role.PEMDA_ADMIN),
        officer_b=grant(make_user("officer.b", pemda_b), pemda_b, Role.PEMDA_ADMIN),
        operator_x=grant(make_user("operator.x", a), a, Role.VILLAGE_OPERATOR, village=desa_x),
        operator_y=grant(make_user("operator.y", a), a, Role.VILLAGE_OPERATOR, village=desa_y),
        auditor=grant(make_user("auditor.a", a), a, Role.AUDITOR),
        desa_x=desa_x,
        desa_y=desa_y,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_a2=unit_a2,
        agency_operator_a=grant(make_user("agency.operator.a", a), a, Role.AGENCY_OPERATOR, unit=unit_a),
        agency_head_a=grant(make_user("agency.head.a", a), a, Role.AGENCY_HEAD, unit=unit_a),
        agency_operator_a2=grant(make_user("agency.operator.a2", a), a, Role.AGENCY_OPERATOR, unit=unit_a2),
        camat_x=grant(make_user("camat.x", a), a, Role.CAMAT, unit=desa_x.kecamatan),
        camat_y=grant(make_user("camat.y", a), a, Role.CAMAT, unit=desa_y.kecamatan),
        kades_x=grant(make_user("kades.x", a), a, Role.KEPALA_DESA, village=desa_x),
        tapd_a=grant(make_user("tapd.a", a), a, Role.TAPD),
        platform=operator_create(actor=TESTS, username="platform.operator", password=PASSWORD),
    )


@pytest.fixture
def published_app(world, settings):
    """(recorder, app): the product's WSGI handler behind ``PublishedResponses`` with every app's routes.

    ``recorder.calls`` counts the requests that reached Django, so a test tells a replayed answer from a
    computed one. Django's per-request connection closing is off meanwhile: the test's transaction must
    stay open across the requests.
    """
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    from spbe.core import published
    from spbe.core.tests.test_published import Recorder

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    published.versions.forget()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    recorder = Recorder(WSGIHandler())
    yield recorder, published.PublishedResponses(recorder, routes=published.collect_routes())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
