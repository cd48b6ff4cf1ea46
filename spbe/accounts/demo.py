"""The Banyuwangi demo: the regency's perangkat daerah, and one user for every role.

Names follow the regency's organisation (Perda on perangkat daerah); codes follow the SIPD form
``U.BB.U.BB.U.BB.NN.SSSS`` with the main affair first. They are realistic, not an official list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from spbe.core.actors import system
from spbe.regions.models import Region

from .kelurahan import kelurahan_offices_ensure
from .models import Membership, Pemda, PerangkatDaerah, Role, User, VillageGovernment
from .services import membership_grant, operator_create, pemda_create, unit_create, user_create

DEMO_PEMDA = "35.10"
DEMO_PASSWORD = "Banyuwangi-2027"  # noqa: S105 (printed for the demo on purpose)

K = PerangkatDaerah.Kind
BANYUWANGI_UNITS: list[tuple[str, str, str, str]] = [
    ("4.01.0.00.0.00.01.0000", "Sekretariat Daerah", "Setda", K.SEKRETARIAT),
    ("4.02.0.00.0.00.01.0000", "Sekretariat DPRD", "Setwan", K.SEKRETARIAT),
    ("6.01.0.00.0.00.01.0000", "Inspektorat Daerah", "Inspektorat", K.INSPEKTORAT),
    ("5.01.5.05.0.00.01.0000", "Badan Perencanaan Pembangunan Daerah", "Bappeda", K.BADAN),
    ("5.02.0.00.0.00.01.0000", "Badan Pengelola Keuangan dan Aset Daerah", "BPKAD", K.BADAN),
    ("5.02.0.00.0.00.02.0000", "Badan Pendapatan Daerah", "Bapenda", K.BADAN),
    ("5.03.5.04.0.00.01.0000", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", K.BADAN),
    ("8.01.0.00.0.00.01.0000", "Badan Kesatuan Bangsa dan Politik", "Bakesbangpol", K.BADAN),
    ("1.05.0.00.0.00.02.0000", "Badan Penanggulangan Bencana Daerah", "BPBD", K.BADAN),
    ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "Dispendik", K.DINAS),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "Dinkes", K.DINAS),
    ("1.02.0.00.0.00.02.0000", "RSUD Blambangan", "RSUD Blambangan", K.RSUD),
    ("1.02.0.00.0.00.03.0000", "RSUD Genteng", "RSUD Genteng", K.RSUD),
    ("1.03.0.00.0.00.01.0000", "Dinas Pekerjaan Umum Pengairan", "PU Pengairan", K.DINAS),
    ("1.03.0.00.0.00.02.0000", "Dinas Pekerjaan Umum Bina Marga", "PU Bina Marga", K.DINAS),
    ("1.04.1.03.0.00.01.0000", "Dinas Perumahan dan Permukiman", "Disperkim", K.DINAS),
    ("1.05.0.00.0.00.01.0000", "Satuan Polisi Pamong Praja", "Satpol PP", K.SATUAN),
    ("1.05.0.00.0.00.03.0000", "Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar", K.DINAS),
    ("1.06.0.00.0.00.01.0000", "Dinas Sosial", "Dinsos", K.DINAS),
    (
        "2.08.2.14.0.00.01.0000",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana",
        "DP3AKB",
        K.DINAS,
    ),
    (
        "2.07.0.00.0.00.01.0000",
        "Dinas Tenaga Kerja, Transmigrasi dan Perindustrian",
        "Disnakertransperin",
        K.DINAS,
    ),
    ("2.09.0.00.0.00.01.0000", "Dinas Ketahanan Pangan", "DKP", K.DINAS),
    ("2.11.0.00.0.00.01.0000", "Dinas Lingkungan Hidup", "DLH", K.DINAS),
    ("2.12.0.00.0.00.01.0000", "Dinas Kependudukan dan Pencatatan Sipil", "Dispendukcapil", K.DINAS),
    ("2.13.0.00.0.00.01.0000", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", K.DINAS),
    ("2.15.0.00.0.00.01.0000", "Dinas Perhubungan", "Dishub", K.DINAS),
    ("2.16.2.20.2.21.01.0000", "Dinas Komunikasi, Informatika dan Persandian", "Diskominfo", K.DINAS),
    ("2.17.3.30.0.00.01.0000", "Dinas Koperasi, Usaha Mikro dan Perdagangan", "Diskop UMP", K.DINAS),
    ("2.18.0.00.0.00.01.0000", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", K.DINAS),
    ("2.19.0.00.0.00.01.0000", "Dinas Pemuda dan Olahraga", "Dispora", K.DINAS),
    ("2.22.0.00.0.00.01.0000", "Dinas Kebudayaan dan Pariwisata", "Disbudpar", K.DINAS),
    ("2.23.2.24.0.00.01.0000", "Dinas Perpustakaan dan Kearsipan", "Dispusip", K.DINAS),
    ("3.25.0.00.0.00.01.0000", "Dinas Perikanan", "Diskan", K.DINAS),
    ("3.27.0.00.0.00.01.0000", "Dinas Pertanian", "Dispertan", K.DINAS),
    ("3.27.0.00.0.00.02.0000", "Dinas Peternakan dan Kesehatan Hewan", "Disnakkeswan", K.DINAS),
    ("2.10.0.00.0.00.01.0000", "Dinas Pertanahan", "Dispertanahan", K.DINAS),
    ("1.03.0.00.0.00.03.0000", "Dinas Cipta Karya dan Penataan Ruang", "Cipta Karya", K.DINAS),
    ("4.01.0.00.0.00.02.0000", "Bagian Pengadaan Barang dan Jasa", "UKPBJ", K.SEKRETARIAT),
    ("2.06.0.00.0.00.01.0000", "Dinas Pengendalian Penduduk", "Dinas PP", K.DINAS),
    ("5.05.0.00.0.00.01.0000", "Badan Riset dan Inovasi Daerah", "Brida", K.BADAN),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_short: str | None = None
    village: bool = False
    district_name: str | None = None
    kelurahan: str | None = None  # region code of the kelurahan whose office the role is held at


DEMO_KELURAHAN = "35.10.16.1008"  # Kelurahan Kepatihan, Kecamatan Banyuwangi
DEMO_VILLAGE = "35.10.02.2001"  # Desa Sukorejo, Kecamatan Bangorejo
OPERATOR = DemoUser("operator", "Operator Platform", "operator")
DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "Admin Pemda Banyuwangi", Role.PEMDA_ADMIN),
    DemoUser("bappeda", "Perencana Bappeda", Role.BAPPEDA_PLANNER),
    DemoUser("tapd", "Anggota TAPD (BPKAD)", Role.TAPD),
    DemoUser("operator.pu", "Operator PU Bina Marga", Role.AGENCY_OPERATOR, unit_short="PU Bina Marga"),
    DemoUser("kepala.pu", "Kepala Dinas PU Bina Marga", Role.AGENCY_HEAD, unit_short="PU Bina Marga"),
    DemoUser("camat", "Camat Bangorejo", Role.CAMAT, district_name="Bangorejo"),
    DemoUser("dprd", "Anggota DPRD", Role.DPRD_MEMBER),
    DemoUser("dpmd", "Pengawas Desa DPMD", Role.DPMD),
    DemoUser("operator.desa", "Operator Desa", Role.VILLAGE_OPERATOR, village=True),
    DemoUser("kades", "Kepala Desa", Role.KEPALA_DESA, village=True),
    DemoUser("bendahara.desa", "Kaur Keuangan Desa", Role.VILLAGE_TREASURER, village=True),
    DemoUser("sekdes", "Sekretaris Desa", Role.VILLAGE_SECRETARY, village=True),
    DemoUser("kasi.desa", "Kasi Pelaksana Kegiatan Desa", Role.VILLAGE_EXECUTOR, village=True),
    DemoUser("bpd", "Anggota BPD", Role.BPD_MEMBER, village=True),
    DemoUser("auditor", "Auditor Inspektorat", Role.AUDITOR),
    DemoUser("setwan", "Sekretariat DPRD", Role.DPRD_SECRETARIAT),
    DemoUser(
        "pengawas.pu", "Pengawas Lapangan PU Bina Marga", Role.FIELD_SUPERVISOR, unit_short="PU Bina Marga"
    ),
    DemoUser(
        "loket.dispendukcapil",
        "Petugas Loket Dispendukcapil",
        Role.COUNTER_OFFICER,
        unit_short="Dispendukcapil",
    ),
    DemoUser("mpp", "Pengelola Mal Pelayanan Publik", Role.SERVICE_MANAGER),
    DemoUser("pengaduan", "Petugas Pengaduan", Role.COMPLAINT_OFFICER),
    DemoUser("lurah", "Lurah Kepatihan", Role.LURAH, kelurahan=DEMO_KELURAHAN),
    DemoUser(
        "operator.kelurahan",
        "Operator Kelurahan Kepatihan",
        Role.KELURAHAN_OPERATOR,
        kelurahan=DEMO_KELURAHAN,
    ),
    DemoUser("camat.banyuwangi", "Camat Banyuwangi", Role.CAMAT, district_name="Banyuwangi"),
]


SEED = system("seed_demo")


def seed_banyuwangi() -> list[DemoUser]:
    """Create (or complete) the demo tenant; safe to run again."""
    setup = pemda_create(actor=SEED, region_code=DEMO_PEMDA)
    pemda: Pemda = setup.pemda
    kelurahan_offices_ensure(actor=SEED, pemda=pemda)  # the 28 kelurahan of Banyuwangi, under their camat
    with transaction.atomic():
        existing = set(PerangkatDaerah.objects.filter(pemda=pemda).values_list("code", flat=True))
        for code, name, short, kind in BANYUWANGI_UNITS:
            if code not in existing:
                unit_create(actor=SEED, pemda=pemda, code=code, name=name, short_name=short, kind=kind)
        units = {u.short_name: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
        village = VillageGovernment.objects.get(region_id=DEMO_VILLAGE)
        seeded = [OPERATOR]
        for demo in DEMO_USERS:
            if (
                demo.kelurahan
                and not PerangkatDaerah.objects.filter(pemda=pemda, kelurahan_id=demo.kelurahan).exists()
            ) or (
                demo.district_name
                and not Region.objects.filter(parent_id=pemda.code, name=demo.district_name).exists()
            ):
                continue  # a region list without that place (the tests' short one)
            seeded.insert(-1, demo)
            user = User.objects.filter(username=demo.username).first() or user_create(
                actor=SEED,
                username=demo.username,
                password=DEMO_PASSWORD,
                full_name=demo.full_name,
                pemda=pemda,
            )
            unit = None
            if demo.unit_short:
                unit = units[demo.unit_short]
            elif demo.kelurahan:
                unit = PerangkatDaerah.objects.get(pemda=pemda, kelurahan_id=demo.kelurahan)
            elif demo.district_name:
                district = Region.objects.get(parent_id=pemda.code, name=demo.district_name)
                unit = PerangkatDaerah.objects.get(pemda=pemda, district=district)
            elif demo.role == Role.BAPPEDA_PLANNER:
                unit = units["Bappeda"]
            elif demo.role == Role.TAPD:
                unit = units["BPKAD"]
            elif demo.role == Role.DPMD:
                unit = units["DPMD"]
            elif demo.role == Role.AUDITOR:
                unit = units["Inspektorat"]
            elif demo.role == Role.DPRD_SECRETARIAT:
                unit = units["Setwan"]
            elif demo.role == Role.SERVICE_MANAGER:
                unit = units["DPMPTSP"]
            elif demo.role == Role.COMPLAINT_OFFICER:
                unit = units["Diskominfo"]
            if not Membership.objects.filter(user=user, pemda=pemda, role=demo.role).exists():
                membership_grant(
                    actor=SEED,
                    user=user,
                    pemda=pemda,
                    role=demo.role,
                    unit=unit,
                    village=village if demo.village else None,
                )
        if not User.objects.filter(username=OPERATOR.username).exists():
            operator_create(
                actor=SEED, username=OPERATOR.username, password=DEMO_PASSWORD, full_name=OPERATOR.full_name
            )
    return seeded


# Approximate centre (latitude, longitude) of each Banyuwangi kecamatan's main settlement, for demo data
# that needs a place on the map (proposals, projects, photos): a point near it is inside the regency.
KECAMATAN_CENTRES: dict[str, tuple[str, str]] = {
    "35.10.01": ("-8.5600", "114.0600"),  # Pesanggaran
    "35.10.02": ("-8.4900", "114.1500"),  # Bangorejo
    "35.10.03": ("-8.4600", "114.2300"),  # Purwoharjo
    "35.10.04": ("-8.5300", "114.2900"),  # Tegaldlimo
    "35.10.05": ("-8.4300", "114.3300"),  # Muncar
    "35.10.06": ("-8.4000", "114.2400"),  # Cluring
    "35.10.07": ("-8.4000", "114.1400"),  # Gambiran
    "35.10.08": ("-8.3800", "114.2700"),  # Srono
    "35.10.09": ("-8.3600", "114.1500"),  # Genteng
    "35.10.10": ("-8.3100", "114.0300"),  # Glenmore
    "35.10.11": ("-8.2800", "113.9600"),  # Kalibaru
    "35.10.12": ("-8.2900", "114.2300"),  # Singojuruh
    "35.10.13": ("-8.3100", "114.2900"),  # Rogojampi
    "35.10.14": ("-8.2700", "114.3100"),  # Kabat
    "35.10.15": ("-8.2100", "114.3000"),  # Glagah
    "35.10.16": ("-8.2100", "114.3700"),  # Banyuwangi
    "35.10.17": ("-8.1900", "114.3400"),  # Giri
    "35.10.18": ("-7.9700", "114.4000"),  # Wongsorejo
    "35.10.19": ("-8.2400", "114.1800"),  # Songgon
    "35.10.20": ("-8.3100", "114.1200"),  # Sempu
    "35.10.21": ("-8.1300", "114.3600"),  # Kalipuro
    "35.10.22": ("-8.5200", "114.1100"),  # Siliragung
    "35.10.23": ("-8.4200", "114.1000"),  # Tegalsari
    "35.10.24": ("-8.1800", "114.2500"),  # Licin
    "35.10.25": ("-8.3100", "114.3400"),  # Blimbingsari
}
