"""The published IKM report (issue 10, point 4): per pemda or perangkat daerah and semester, page and PDF.

The report shows the index, the nine NRR, the grade and its Indonesian label, the index of each agency
(pemda-wide) or each service (one agency), and the respondent profile: counts by gender, age band,
education and occupation. It is public, like the catalogue: the figures are aggregates, and nothing that
names a respondent (a ticket number, an answer sheet) is read.

The arithmetic is :mod:`spbe.lounge.ikm`'s alone: the whole comes from ``selectors.ikm_for``, and each
agency's or service's index from ``ikm.compute`` over one grouped aggregate (a COUNT and nine SUMs per
group, the same shape ``ikm_for`` reads). The views at the end are thin: they only pick the report and
render it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Field, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.documents import render_pdf_response
from spbe.core.errors import NotFound
from spbe.core.http import public_answer
from spbe.core.public_pages import published_page

from . import ikm, selectors, speed
from .models import SurveyResponse

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FIRST_YEAR, LAST_YEAR = 2000, 2100
# Free-text answers (education, occupation) are listed by frequency; the long tail is summed as "other".
PROFILE_TOP = 10

#: Age bands of the respondent profile: (lowest, highest or None, label).
AGE_BANDS: tuple[tuple[int, int | None, str | _StrPromise], ...] = (
    (0, 19, gettext_lazy("di bawah 20 tahun")),
    (20, 29, gettext_lazy("20-29 tahun")),
    (30, 39, gettext_lazy("30-39 tahun")),
    (40, 49, gettext_lazy("40-49 tahun")),
    (50, 59, gettext_lazy("50-59 tahun")),
    (60, None, gettext_lazy("60 tahun ke atas")),
)
ROMAN = {1: "I", 2: "II"}


@dataclass(frozen=True)
class Semester:
    """Half a year: semester 1 is January to June, semester 2 July to December."""

    year: int
    number: int

    @classmethod
    def of(cls, year: int, number: int) -> Semester:
        """The semester, or NotFound for one no report can have (the URL does not exist)."""
        if number not in (1, 2) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise NotFound(
                _("Semester %(number)s tahun %(year)s tidak ada.") % {"number": number, "year": year}
            )
        return cls(year, number)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.number == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.number == 1 else dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return _("Semester %(number)s Tahun %(year)d") % {"number": ROMAN[self.number], "year": self.year}

    @property
    def previous(self) -> Semester | None:
        earlier = (self.year, 1) if self.number == 2 else (self.year - 1, 2)
        return Semester(*earlier) if earlier[0] >= FIRST_YEAR else None

    @property
    def following(self) -> Semester | None:
        later = (self.year, 2) if self.number == 1 else (self.year + 1, 1)
        return Semester(*later) if later[0] <= LAST_YEAR else None


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    nrr: Decimal


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class ProfileGroup:
    title: str
    rows: list[Tally]


@dataclass(frozen=True)
class Part:
    """One agency's (pemda-wide report) or one service's (agency report) index in the semester."""

    code: str
    name: str
    result: ikm.IkmResult


@dataclass(frozen=True)
class GradeBand:
    grade: str
    lowest: Decimal
    highest: Decimal
    label: str


@dataclass(frozen=True)
class IkmReport:
    pemda: Pemda
    unit: PerangkatDaerah | None
    semester: Semester
    result: ikm.IkmResult | None  # None: nobody answered the survey in the semester
    elements: list[Element] = field(default_factory=list)
    profile: list[ProfileGroup] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    provisional: bool = False  # the semester has not ended: the figures may still change

    @property
    def title(self) -> str:
        return _("Laporan Indeks Kepuasan Masyarakat")

    @property
    def subject(self) -> str:
        return self.unit.name if self.unit is not None else self.pemda.name

    @property
    def filename(self) -> str:
        who = self.unit.code if self.unit is not None else self.pemda.code
        return f"IKM {who} {self.semester.year} semester {self.semester.number}"


def grade_bands() -> list[GradeBand]:
    """The grades with their ranges of the rounded index, from ``ikm.GRADES`` (A: 88,31-100,00 ...)."""
    bands, ceiling = [], Decimal("100.00")
    for grade, lowest, label in ikm.GRADES:
        bands.append(GradeBand(grade, lowest, ceiling, label))
        ceiling = lowest - ikm.CENT
    return bands


def _share(count: int, total: int) -> Decimal:
    return ikm.round_half_up(Fraction(count * 100, total)) if total else Decimal("0.00")


def _responses(pemda: Pemda, semester: Semester, unit: PerangkatDaerah | None) -> QuerySet[SurveyResponse]:
    # The same selection selectors.ikm_for makes for this scope, so the profile counts its respondents.
    found = SurveyResponse.objects.filter(
        pemda=pemda, tanggal__gte=semester.first_day, tanggal__lte=semester.last_day
    )
    return found.filter(unit=unit) if unit is not None else found


def _age_filter(lowest: int, highest: int | None) -> Q:
    return Q(usia__gte=lowest) if highest is None else Q(usia__gte=lowest, usia__lte=highest)


def _profile(responses: QuerySet[SurveyResponse]) -> tuple[int, list[ProfileGroup]]:
    """How many answered, and who they were: one aggregate for gender and age, one per free-text field."""
    counts = responses.aggregate(
        total=Count("pk"),
        male=Count("pk", filter=Q(jenis_kelamin=SurveyResponse.Gender.MALE)),
        female=Count("pk", filter=Q(jenis_kelamin=SurveyResponse.Gender.FEMALE)),
        age_unknown=Count("pk", filter=Q(usia__isnull=True)),
        **{
            f"age_{i}": Count("pk", filter=_age_filter(lowest, highest))
            for i, (lowest, highest, _label) in enumerate(AGE_BANDS)
        },
    )
    total = counts["total"]
    not_given = _("Tidak diisi")

    def rows(pairs: list[tuple[str, int]]) -> list[Tally]:
        return [Tally(label, n, _share(n, total)) for label, n in pairs if n]

    gender = [
        (str(SurveyResponse.Gender.MALE.label), counts["male"]),
        (str(SurveyResponse.Gender.FEMALE.label), counts["female"]),
        (not_given, total - counts["male"] - counts["female"]),
    ]
    ages = [(str(label), counts[f"age_{i}"]) for i, (_lo, _hi, label) in enumerate(AGE_BANDS)]
    groups = [
        ProfileGroup(_("Jenis kelamin"), rows(gender)),
        ProfileGroup(_("Usia"), rows([*ages, (not_given, counts["age_unknown"])])),
    ]
    for name, title in (("pendidikan", _("Pendidikan")), ("pekerjaan", _("Pekerjaan"))):
        by_value = list(responses.values_list(name).annotate(n=Count("pk")).order_by("-n", name))
        given = [(value, n) for value, n in by_value if value]
        blank = sum(n for value, n in by_value if not value)
        top, rest = given[:PROFILE_TOP], sum(n for _value, n in given[PROFILE_TOP:])
        groups.append(ProfileGroup(title, rows([*top, (_("Jawaban lain"), rest), (not_given, blank)])))
    return total, groups


def _parts(responses: QuerySet[SurveyResponse], code: str, name: str) -> list[Part]:
    """The index of each group of responses (by agency or by service), in code order."""
    grouped = (
        responses.values(code, name)
        .annotate(n=Count("pk"), **{f"sum_{key}": Sum(key) for key in ikm.ELEMENT_KEYS})
        .order_by(code)
    )
    return [
        Part(
            row[code], row[name], ikm.compute(row["n"], [int(row[f"sum_{key}"]) for key in ikm.ELEMENT_KEYS])
        )
        for row in grouped
    ]


def _element_label(key: str) -> str:
    """``U1 persyaratan``: the label the survey model gives the element, in the reader's language."""
    element = SurveyResponse._meta.get_field(key)
    assert isinstance(element, Field)
    return str(element.verbose_name)


def _unit_of(pemda: Pemda, unit_code: str) -> PerangkatDaerah:
    unit = pemda.units.filter(code=unit_code).first()
    if unit is None:
        raise NotFound(_("Perangkat daerah dengan kode %(code)s tidak ada.") % {"code": unit_code})
    return unit


def ikm_report(pemda: Pemda, semester: Semester, unit_code: str | None = None) -> IkmReport:
    """The IKM report of the pemda (or of one of its agencies) for ``semester``."""
    unit = _unit_of(pemda, unit_code) if unit_code is not None else None
    today = timezone.localdate(timezone=ZoneInfo(pemda.time_zone))
    responses = _responses(pemda, semester, unit)
    respondents, profile = _profile(responses)
    report = IkmReport(pemda, unit, semester, None, provisional=today <= semester.last_day)
    if not respondents:
        return report
    # A response saved between these reads can make the profile and the index differ by one respondent
    # for that one request; a published semester is closed, so its report is steady.
    result = selectors.ikm_for(
        selectors.IkmScope(pemda, semester.first_day, semester.last_day, unit_code=unit_code)
    )
    elements = [Element(key, _element_label(key), result.nrr[key]) for key in ikm.ELEMENT_KEYS]
    if unit is None:
        parts = _parts(responses, "unit__code", "unit__name")
    else:
        parts = _parts(responses, "service__kode_layanan", "service__nama")
    return IkmReport(pemda, unit, semester, result, elements, profile, parts, report.provisional)


# --- public pages: /pemda/<code>/ikm/<year>/<semester>/[skpd/<unit code>/][laporan.pdf] -----------------


def _report(pemda_code: str, year: int, number: int, unit_code: str | None) -> IkmReport:
    pemda = selectors.public_pemda(pemda_code)
    return ikm_report(pemda, Semester.of(year, number), unit_code)


def _context(report: IkmReport) -> dict[str, object]:
    return {
        "report": report,
        "pemda": report.pemda,
        "grades": grade_bands(),
        "pemda_name": report.pemda.name,
        "issuer": report.unit.name if report.unit is not None else "",
        "document_title": report.title,
        "document_subtitle": report.semester.label,
        "printed_at": timezone.localdate(timezone=ZoneInfo(report.pemda.time_zone)),
    }


@require_GET
def ikm_page(
    request: HttpRequest, pemda_code: str, year: int, semester: int, unit_code: str | None = None
) -> HttpResponse:
    report = _report(pemda_code, year, semester, unit_code)
    return published_page(request, "lounge/reports/ikm.html", _context(report), max_age=speed.PAGE_MAX_AGE)


@require_GET
def ikm_pdf(
    request: HttpRequest, pemda_code: str, year: int, semester: int, unit_code: str | None = None
) -> HttpResponse:
    # The document is Indonesian whatever the reader chose (spbe.core.documents): so are its labels.
    with translation.override("id"):
        report = _report(pemda_code, year, semester, unit_code)
        context = _context(report)
    rendered = render_pdf_response("lounge/reports/ikm_pdf.html", context, report.filename)
    # A public document, the same for everyone until a survey or import changes it: a published answer,
    # so WeasyPrint runs once per change (and max-age) instead of once per reader (see lounge/speed.py).
    response = public_answer(
        request, rendered.content, max_age=speed.PAGE_MAX_AGE, content_type="application/pdf"
    )
    response["Content-Disposition"] = rendered["Content-Disposition"]
    return response


@require_GET
def ikm_current(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The report of the semester running today in the pemda's time zone (marked provisional there)."""
    pemda = selectors.public_pemda(pemda_code)
    today = timezone.localdate(timezone=ZoneInfo(pemda.time_zone))
    return redirect(
        "lounge:ikm-report", pemda_code=pemda.code, year=today.year, semester=1 if today.month <= 6 else 2
    )


#: Mounted under ``pemda/<pemda_code>/ikm/`` by the lounge's URLs.
urlpatterns = [
    path("", ikm_current, name="ikm-current"),
    path("<int:year>/<int:semester>/", ikm_page, name="ikm-report"),
    path("<int:year>/<int:semester>/laporan.pdf", ikm_pdf, name="ikm-report-pdf"),
    path("<int:year>/<int:semester>/skpd/<str:unit_code>/", ikm_page, name="ikm-report-unit"),
    path("<int:year>/<int:semester>/skpd/<str:unit_code>/laporan.pdf", ikm_pdf, name="ikm-report-unit-pdf"),
]
