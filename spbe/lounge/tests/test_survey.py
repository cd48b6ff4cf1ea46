"""``spbe import_survey`` and ``spbe ikm_report``: responses in, the index out, computed in SQL."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from spbe.core.errors import ImportFailed, PermissionDenied
from spbe.core.models import AuditEntry
from spbe.lounge.models import SurveyResponse
from spbe.lounge.services import survey_import

from .helpers import EDU, SERVICE_HEADER, SURVEY_HEADER, service_row, survey_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world, tmp_path):
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("PU-01", "Izin Galian"),
            service_row("PU-02", "Izin Reklame"),
            service_row("DIK-01", "Legalisir Ijazah", EDU),
        ],
    )
    call_command("import_services", "--pemda", "35.10", str(path), stdout=StringIO())
    return world


def import_survey(path):
    out = StringIO()
    call_command("import_survey", "--pemda", "35.10", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def report(*extra):
    out = StringIO()
    call_command("ikm_report", "--pemda", "35.10", *extra, "--format", "json", stdout=out)
    return out.getvalue()


def test_it_imports_responses_and_reports_the_index_as_the_contract_says(catalogue, tmp_path):
    path = write_csv(
        tmp_path / "survei.csv",
        [
            [*SURVEY_HEADER, "jenis_kelamin", "usia", "pendidikan", "pekerjaan"],
            [*survey_row("PU-01", "2026-01-05", [4, 3, 3, 2, 4, 4, 3, 1, 2]), "L", "34", "S1", "Wiraswasta"],
            [*survey_row("PU-01", "2026-01-06", [3, 3, 4, 2, 4, 3, 3, 2, 2]), "Perempuan", "", "", ""],
            [*survey_row("PU-02", "31/01/2026", [4, 3, 3, 3, 4, 4, 4, 2, 3]), "", "51", "SMA", ""],
        ],
    )
    assert "3 jawaban survei untuk 2 layanan" in import_survey(path)
    first = SurveyResponse.objects.get(service__kode_layanan="PU-01", tanggal="2026-01-05")
    assert (first.jenis_kelamin, first.usia, first.pendidikan, first.pekerjaan) == (
        "L",
        34,
        "S1",
        "Wiraswasta",
    )
    assert first.unit == catalogue.unit_a
    assert SurveyResponse.objects.get(tanggal="2026-01-06").jenis_kelamin == "P"
    entries = AuditEntry.objects.filter(action="survey.import").order_by("seq")
    assert [(e.after["responses"], e.after["from"], e.after["to"]) for e in entries] == [
        (2, "2026-01-05", "2026-01-06"),
        (1, "2026-01-31", "2026-01-31"),
    ]

    text = report("--from", "2026-01-01", "--to", "2026-01-31")
    assert text.strip() == (
        '{"responden": 3, "nrr": {"u1": "3.67", "u2": "3.00", "u3": "3.33", "u4": "2.33", "u5": "4.00", '
        '"u6": "3.67", "u7": "3.33", "u8": "1.67", "u9": "2.33"}, "ikm": "75.93", "mutu": "C", '
        '"kinerja": "Kurang Baik"}'
    )
    only_pu01 = json.loads(report("--layanan", "PU-01", "--from", "2026-01-01", "--to", "2026-01-31"))
    assert only_pu01["responden"] == 2
    assert json.loads(report("--from", "2026-01-06", "--to", "2026-01-06"))["responden"] == 1


def test_the_report_filters_by_agency(catalogue, tmp_path):
    import_survey(
        write_csv(
            tmp_path / "survei.csv",
            [
                SURVEY_HEADER,
                survey_row("PU-01", "2026-02-01", [1] * 9),
                survey_row("DIK-01", "2026-02-01", [4] * 9),
                survey_row("DIK-01", "2026-02-02", [4] * 9),
            ],
        )
    )
    result = json.loads(report("--skpd", EDU, "--from", "2026-02-01", "--to", "2026-02-28"))
    assert result == {
        "responden": 2,
        "nrr": {f"u{i}": "4.00" for i in range(1, 10)},
        "ikm": "100.00",
        "mutu": "A",
        "kinerja": "Sangat Baik",
    }
    everyone = json.loads(report("--from", "2026-02-01", "--to", "2026-02-28"))
    assert (everyone["responden"], everyone["ikm"], everyone["mutu"]) == (3, "75.00", "C")


def test_zero_respondents_is_a_clear_error(catalogue):
    with pytest.raises(CommandError, match="Tidak ada responden") as failure:
        report("--from", "2026-01-01", "--to", "2026-01-31")
    assert failure.value.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layanan", "NOPE", "--from", "2026-01-01", "--to", "2026-01-31"], "Layanan dengan kode NOPE"),
        (
            ["--skpd", "9.99.9.99.9.99.99.9999", "--from", "2026-01-01", "--to", "2026-01-31"],
            "Perangkat daerah",
        ),
        (["--from", "2026-02-01", "--to", "2026-01-31"], "Tanggal awal sesudah"),
        (["--from", "31-01-2026", "--to", "2026-01-31"], "TTTT-BB-HH"),
    ],
)
def test_the_report_refuses_unknown_codes_and_bad_periods(catalogue, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


def test_answers_outside_1_to_4_and_other_bad_cells_are_reported_and_nothing_is_written(catalogue, tmp_path):
    path = write_csv(
        tmp_path / "survei.csv",
        [
            [*SURVEY_HEADER, "jenis_kelamin", "usia"],
            [*survey_row("PU-01", "2026-01-05", [4] * 9), "L", "30"],
            [*survey_row("PU-01", "2026-01-05", [5, 0, 4, 4, 4, 4, 4, "3.5", ""]), "", ""],
            [*survey_row("XX-99", "kemarin", [4] * 9), "X", "200"],
            [*survey_row("PU-01", "2999-01-01", [4] * 9), "", ""],
        ],
    )
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_survey", "--pemda", "35.10", str(path), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "row 3, column u1: jawaban '5' harus 1, 2, 3 atau 4",
        "row 3, column u2: jawaban '0' harus 1, 2, 3 atau 4",
        "row 3, column u8: jawaban '3.5' harus 1, 2, 3 atau 4",
        "row 3, column u9: jawaban wajib diisi (1, 2, 3 atau 4)",
        "row 4, column kode_layanan: layanan XX-99 tidak ada di katalog pemda ini",
        "row 4, column tanggal: tanggal 'kemarin' tidak dikenali; tulis TTTT-BB-HH, misalnya 2026-01-31",
        "row 4, column jenis_kelamin: jenis kelamin 'X' tidak dikenali; tulis L atau P",
        "row 4, column usia: usia '200' harus bilangan 1-120",
        "row 5, column tanggal: tanggal 2999-01-01 belum terjadi",
    ]
    assert not SurveyResponse.objects.exists()
    assert not AuditEntry.objects.filter(action="survey.import").exists()


def test_it_reads_xlsx_with_date_and_number_cells(catalogue, tmp_path):
    import datetime as dt

    path = write_xlsx(
        tmp_path / "survei.xlsx", [SURVEY_HEADER, ["PU-01", dt.datetime(2026, 3, 2), *([3.0] * 9)]]
    )
    import_survey(path)
    response = SurveyResponse.objects.get()
    assert (response.tanggal.isoformat(), response.u1, response.u9) == ("2026-03-02", 3, 3)


def test_a_service_of_another_pemda_is_not_in_the_catalogue(catalogue, tmp_path):
    path = write_csv(tmp_path / "survei.csv", [SURVEY_HEADER, survey_row("PU-01", "2026-01-05", [4] * 9)])
    with pytest.raises(ImportFailed, match="tidak diimpor"):
        survey_import(actor=catalogue.officer_b, pemda=catalogue.pemda_b, path=path)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("persona", ["agency_operator_a", "auditor", "officer_b"])
def test_only_the_pemda_admin_imports_survey_responses(catalogue, tmp_path, persona):
    path = write_csv(tmp_path / "survei.csv", [SURVEY_HEADER, survey_row("PU-01", "2026-01-05", [4] * 9)])
    with pytest.raises(PermissionDenied):
        survey_import(actor=getattr(catalogue, persona), pemda=catalogue.pemda_a, path=path)
    survey_import(actor=catalogue.officer_a, pemda=catalogue.pemda_a, path=path)
    assert SurveyResponse.objects.count() == 1


def _response(world, **overrides):
    from spbe.lounge.models import Service

    service = Service.objects.get(kode_layanan="PU-01")
    values = {f"u{i}": 4 for i in range(1, 10)} | overrides
    return SurveyResponse(
        pemda=world.pemda_a, unit=service.unit, service=service, tanggal="2026-01-05", **values
    )


@pytest.mark.parametrize(
    "bad", [{"u1": 0}, {"u5": 5}, {"u9": 9}, {"usia": 0}, {"jenis_kelamin": "X"}, {"ticket": ""}]
)
def test_the_database_refuses_what_the_import_refuses(catalogue, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        _response(catalogue, **bad).save()


def test_one_survey_per_ticket(catalogue):
    _response(catalogue, ticket="A-001").save()
    _response(catalogue).save()
    _response(catalogue).save()  # paper forms carry no ticket: any number of them
    with pytest.raises(IntegrityError), transaction.atomic():
        _response(catalogue, ticket="A-001").save()
    assert SurveyResponse.objects.count() == 3


def test_another_pemda_may_number_its_tickets_the_same(catalogue):
    from spbe.lounge.models import Service

    _response(catalogue, ticket="A-001").save()
    unit_b = catalogue.unit_b
    service_b = Service.objects.create(
        pemda=catalogue.pemda_b, unit=unit_b, kode_layanan="PU-01", nama="Izin"
    )
    SurveyResponse.objects.create(
        pemda=catalogue.pemda_b,
        unit=unit_b,
        service=service_b,
        tanggal="2026-01-05",
        ticket="A-001",
        **{f"u{i}": 3 for i in range(1, 10)},
    )
    assert SurveyResponse.objects.filter(ticket="A-001").count() == 2


def test_the_index_is_summed_by_the_database_not_from_loaded_rows(catalogue, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import_survey(
        write_csv(
            tmp_path / "survei.csv",
            [SURVEY_HEADER, *(survey_row("PU-01", "2026-01-05", [3] * 9) for _ in range(30))],
        )
    )
    with CaptureQueriesContext(connection) as queries:
        result = json.loads(report("--from", "2026-01-01", "--to", "2026-01-31"))
    assert result["responden"] == 30
    reads = [q["sql"] for q in queries.captured_queries if "lounge_surveyresponse" in q["sql"]]
    assert len(reads) == 1
    assert 'SUM("lounge_surveyresponse"."u9")' in reads[0]
    assert 'COUNT("lounge_surveyresponse"."id")' in reads[0]


def test_the_same_file_imported_twice_is_refused_and_counts_once(catalogue, tmp_path):
    rows = [
        SURVEY_HEADER,
        survey_row("PU-01", "2026-01-05", [4, 3, 3, 2, 4, 4, 3, 1, 2]),
        survey_row("PU-02", "2026-01-06", [3, 3, 4, 2, 4, 3, 3, 2, 2]),
    ]
    first = write_csv(tmp_path / "survei-januari.csv", rows)
    import_survey(first)
    again = tmp_path / "salinan.csv"
    again.write_bytes(first.read_bytes())

    with pytest.raises(CommandError, match=r"sudah diimpor pada .*\(2 jawaban, sebagai survei-januari.csv\)"):
        import_survey(again)

    assert SurveyResponse.objects.count() == 2
    assert AuditEntry.objects.filter(action="survey.import").count() == 2
    # Other responses (another file) are welcome, even from the same days.
    import_survey(write_csv(tmp_path / "survei-februari.csv", [*rows, rows[1]]))
    assert SurveyResponse.objects.count() == 5
