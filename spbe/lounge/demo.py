"""Demo data for the lounge: Banyuwangi's service mall catalogue and some weeks of survey responses.

Written through the same batch paths a pemda uses (``services_import``, ``survey_import``), from files made
here, so the demo exercises what users run. Safe to run again: the catalogue import updates in place, and
responses are added only to a pemda that has none.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import zlib
import zoneinfo
from pathlib import Path

from django.utils import timezone

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.actors import Actor

from .events import seed_events
from .ikm import ELEMENT_KEYS
from .models import SurveyResponse
from .queue_demo import seed_queues
from .services import services_import, survey_import

# Agency (by code in the demo organisation): the prefix of its service codes, its counter, and its services
# as (name, days, fee, product).
# Fees follow the usual regional rules: civil registration is free (UU 24/2013); licences carry the
# retribution set by the regional regulation, written here as "sesuai Perda".
FREE = "Gratis"
PERDA = "Sesuai Perda retribusi yang berlaku"
CATALOGUE: dict[str, tuple[str, str, list[tuple[str, str, str, str]]]] = {
    "2.12.0.00.0.00.01.0000": (  # Dispendukcapil
        "CAPIL",
        "Loket 1-6 Dispendukcapil",
        [
            ("Perekaman KTP-el", "Hari itu juga", FREE, "Data rekaman KTP-el"),
            ("Pencetakan KTP-el baru", "1 hari kerja", FREE, "KTP-el"),
            ("Penggantian KTP-el hilang atau rusak", "1 hari kerja", FREE, "KTP-el"),
            ("Perubahan data KTP-el", "1 hari kerja", FREE, "KTP-el"),
            ("Penerbitan Kartu Keluarga baru", "1 hari kerja", FREE, "Kartu Keluarga"),
            ("Perubahan Kartu Keluarga (tambah/kurang anggota)", "1 hari kerja", FREE, "Kartu Keluarga"),
            ("Penggantian Kartu Keluarga hilang atau rusak", "1 hari kerja", FREE, "Kartu Keluarga"),
            ("Akta kelahiran", "1 hari kerja", FREE, "Kutipan akta kelahiran"),
            ("Akta kelahiran terlambat (lebih dari 1 tahun)", "3 hari kerja", FREE, "Kutipan akta kelahiran"),
            ("Akta kematian", "1 hari kerja", FREE, "Kutipan akta kematian"),
            ("Akta perkawinan (non-muslim)", "3 hari kerja", FREE, "Kutipan akta perkawinan"),
            ("Akta perceraian (non-muslim)", "3 hari kerja", FREE, "Kutipan akta perceraian"),
            ("Pengakuan dan pengesahan anak", "3 hari kerja", FREE, "Catatan pinggir akta kelahiran"),
            ("Kartu Identitas Anak (KIA)", "1 hari kerja", FREE, "Kartu Identitas Anak"),
            ("Surat keterangan pindah keluar", "1 hari kerja", FREE, "Surat Keterangan Pindah"),
            ("Pendaftaran pindah datang", "1 hari kerja", FREE, "Kartu Keluarga dan KTP-el baru"),
            ("Perubahan nama berdasarkan penetapan pengadilan", "3 hari kerja", FREE, "Catatan pinggir akta"),
            ("Pembetulan akta pencatatan sipil", "3 hari kerja", FREE, "Akta yang dibetulkan"),
            ("Legalisir dokumen kependudukan", "Hari itu juga", FREE, "Salinan terlegalisir"),
            ("Aktivasi Identitas Kependudukan Digital (IKD)", "Hari itu juga", FREE, "IKD aktif"),
            ("Surat keterangan tempat tinggal orang asing", "3 hari kerja", FREE, "SKTT"),
            ("Konsolidasi data NIK ganda", "3 hari kerja", FREE, "NIK tunggal"),
        ],
    ),
    "2.18.0.00.0.00.01.0000": (  # DPMPTSP
        "PTSP",
        "Loket Perizinan DPMPTSP",
        [
            ("Nomor Induk Berusaha (NIB) usaha mikro dan kecil", "Hari itu juga", FREE, "NIB"),
            ("Persetujuan Bangunan Gedung (PBG) rumah tinggal", "14 hari kerja", PERDA, "PBG"),
            ("Persetujuan Bangunan Gedung (PBG) non-rumah tinggal", "28 hari kerja", PERDA, "PBG"),
            ("Sertifikat Laik Fungsi (SLF)", "14 hari kerja", PERDA, "SLF"),
            ("Izin praktik dokter", "5 hari kerja", FREE, "Surat Izin Praktik"),
            ("Izin praktik dokter gigi", "5 hari kerja", FREE, "Surat Izin Praktik"),
            ("Izin praktik bidan", "5 hari kerja", FREE, "Surat Izin Praktik Bidan"),
            ("Izin praktik perawat", "5 hari kerja", FREE, "Surat Izin Praktik Perawat"),
            ("Izin praktik apoteker", "5 hari kerja", FREE, "Surat Izin Praktik Apoteker"),
            ("Izin apotek", "7 hari kerja", FREE, "Izin Apotek"),
            ("Izin toko obat", "7 hari kerja", FREE, "Izin Toko Obat"),
            ("Izin klinik pratama", "14 hari kerja", FREE, "Izin Operasional Klinik"),
            ("Izin laboratorium klinik", "14 hari kerja", FREE, "Izin Operasional Laboratorium"),
            ("Izin penyelenggaraan reklame", "5 hari kerja", PERDA, "Izin Reklame"),
            ("Tanda Daftar Usaha Pariwisata", "3 hari kerja", FREE, "TDUP"),
            (
                "Izin penyelenggaraan satuan pendidikan anak usia dini",
                "14 hari kerja",
                FREE,
                "Izin Operasional",
            ),
            ("Izin usaha toko swalayan", "14 hari kerja", FREE, "Izin Usaha Toko Swalayan"),
            ("Izin lingkungan (persetujuan lingkungan) usaha kecil", "10 hari kerja", FREE, "Persetujuan"),
            ("Konfirmasi Kesesuaian Kegiatan Pemanfaatan Ruang (KKKPR)", "20 hari kerja", FREE, "KKKPR"),
            ("Izin trayek angkutan perdesaan", "7 hari kerja", PERDA, "Izin Trayek"),
            ("Izin penelitian dan survei", "3 hari kerja", FREE, "Surat Rekomendasi Penelitian"),
            ("Sertifikat produksi pangan industri rumah tangga (SPP-IRT)", "14 hari kerja", FREE, "SPP-IRT"),
            ("Izin usaha perikanan", "7 hari kerja", FREE, "Izin Usaha Perikanan"),
            ("Izin pemakaman", "3 hari kerja", FREE, "Izin Pemakaman"),
        ],
    ),
    "1.02.0.00.0.00.01.0000": (  # Dinkes
        "DINKES",
        "Loket Dinas Kesehatan",
        [
            ("Surat keterangan sehat calon pekerja migran", "Hari itu juga", PERDA, "Surat Keterangan"),
            ("Rekomendasi izin praktik tenaga kesehatan", "3 hari kerja", FREE, "Rekomendasi"),
            ("Laik higiene sanitasi rumah makan", "7 hari kerja", PERDA, "Sertifikat Laik Higiene"),
            ("Laik higiene sanitasi depot air minum", "7 hari kerja", PERDA, "Sertifikat Laik Higiene"),
            ("Penyuluhan keamanan pangan PIRT", "Sesuai jadwal", FREE, "Sertifikat Penyuluhan"),
            ("Pelayanan vaksinasi calon jemaah haji dan umrah", "Hari itu juga", PERDA, "Kartu vaksin"),
            ("Pendaftaran jaminan kesehatan daerah", "1 hari kerja", FREE, "Kepesertaan Jamkesda"),
            ("Rekomendasi rujukan pasien tidak mampu", "Hari itu juga", FREE, "Surat Rekomendasi"),
            ("Izin operasional puskesmas swasta", "14 hari kerja", FREE, "Izin Operasional"),
            ("Pengaduan pelayanan fasilitas kesehatan", "5 hari kerja", FREE, "Tindak lanjut pengaduan"),
        ],
    ),
    "1.06.0.00.0.00.01.0000": (  # Dinsos
        "DINSOS",
        "Loket Dinas Sosial",
        [
            (
                "Pendaftaran Data Terpadu Kesejahteraan Sosial (DTKS)",
                "Sesuai jadwal verifikasi",
                FREE,
                "DTKS",
            ),
            ("Rekomendasi Penerima Bantuan Iuran Jaminan Kesehatan", "1 hari kerja", FREE, "Rekomendasi PBI"),
            ("Surat keterangan tidak mampu untuk pendidikan", "1 hari kerja", FREE, "Surat Keterangan"),
            ("Rekomendasi pengangkatan anak", "14 hari kerja", FREE, "Rekomendasi"),
            (
                "Pelayanan rehabilitasi penyandang disabilitas",
                "Sesuai kebutuhan",
                FREE,
                "Layanan rehabilitasi",
            ),
            ("Bantuan sosial korban bencana", "1 hari kerja", FREE, "Bantuan logistik"),
            ("Pemulangan orang terlantar", "1 hari kerja", FREE, "Bantuan pemulangan"),
            ("Rekomendasi pengumpulan uang atau barang", "5 hari kerja", FREE, "Rekomendasi PUB"),
            ("Pendaftaran Lembaga Kesejahteraan Sosial", "7 hari kerja", FREE, "Tanda Daftar LKS"),
            ("Layanan Banyuwangi Rantang Kasih (makanan lansia)", "Sesuai jadwal", FREE, "Paket makanan"),
        ],
    ),
    "2.07.0.00.0.00.01.0000": (  # Disnakertransperin
        "NAKER",
        "Loket Disnakertransperin",
        [
            ("Kartu tanda pencari kerja (AK/I)", "Hari itu juga", FREE, "Kartu AK/I"),
            ("Pendaftaran calon pekerja migran Indonesia", "1 hari kerja", FREE, "Tanda daftar"),
            ("Pencatatan perjanjian kerja bersama", "7 hari kerja", FREE, "Bukti pencatatan"),
            ("Pengesahan peraturan perusahaan", "7 hari kerja", FREE, "Surat Keputusan"),
            (
                "Mediasi perselisihan hubungan industrial",
                "30 hari kerja",
                FREE,
                "Anjuran atau perjanjian bersama",
            ),
            ("Pelatihan berbasis kompetensi", "Sesuai jadwal", FREE, "Sertifikat pelatihan"),
            ("Wajib lapor ketenagakerjaan perusahaan", "Hari itu juga", FREE, "Bukti lapor"),
            ("Pendaftaran transmigrasi", "Sesuai jadwal", FREE, "Tanda daftar"),
            ("Tera dan tera ulang alat ukur", "Sesuai jadwal", PERDA, "Tanda tera"),
            ("Surat keterangan asal barang industri kecil", "3 hari kerja", FREE, "Surat Keterangan"),
        ],
    ),
    "5.02.0.00.0.00.02.0000": (  # Bapenda
        "PAJAK",
        "Loket Bapenda",
        [
            ("Pendaftaran objek Pajak Bumi dan Bangunan", "7 hari kerja", FREE, "SPPT PBB"),
            ("Mutasi objek dan subjek PBB", "7 hari kerja", FREE, "SPPT PBB"),
            ("Salinan SPPT PBB", "Hari itu juga", FREE, "Salinan SPPT"),
            ("Keberatan PBB", "30 hari kerja", FREE, "Surat Keputusan keberatan"),
            ("Pengurangan PBB", "30 hari kerja", FREE, "Surat Keputusan pengurangan"),
            ("Validasi BPHTB", "1 hari kerja", FREE, "SSPD BPHTB tervalidasi"),
            ("Pendaftaran wajib pajak hotel dan restoran", "3 hari kerja", FREE, "NPWPD"),
            ("Pendaftaran wajib pajak reklame", "3 hari kerja", FREE, "NPWPD"),
            ("Pendaftaran wajib pajak air tanah", "3 hari kerja", FREE, "NPWPD"),
            ("Surat keterangan lunas pajak daerah", "1 hari kerja", FREE, "Surat Keterangan"),
            ("Restitusi pajak daerah", "30 hari kerja", FREE, "Surat Keputusan restitusi"),
        ],
    ),
    "2.15.0.00.0.00.01.0000": (  # Dishub
        "DISHUB",
        "Loket Dinas Perhubungan",
        [
            ("Uji berkala kendaraan bermotor (uji KIR)", "Hari itu juga", PERDA, "Kartu dan tanda uji"),
            ("Numpang uji kendaraan bermotor", "1 hari kerja", PERDA, "Rekomendasi numpang uji"),
            ("Mutasi uji kendaraan bermotor", "3 hari kerja", PERDA, "Berkas mutasi uji"),
            ("Rekomendasi analisis dampak lalu lintas", "14 hari kerja", FREE, "Rekomendasi Andalalin"),
            ("Izin penyelenggaraan parkir", "7 hari kerja", PERDA, "Izin parkir"),
            ("Kartu pengawasan angkutan", "3 hari kerja", PERDA, "Kartu Pengawasan"),
            ("Izin penutupan jalan untuk kegiatan", "3 hari kerja", FREE, "Izin penggunaan jalan"),
        ],
    ),
    "2.11.0.00.0.00.01.0000": (  # DLH
        "DLH",
        "Loket Dinas Lingkungan Hidup",
        [
            ("Pernyataan Kesanggupan Pengelolaan Lingkungan (SPPL)", "3 hari kerja", FREE, "SPPL"),
            ("Rekomendasi UKL-UPL", "14 hari kerja", FREE, "Rekomendasi UKL-UPL"),
            ("Izin penyimpanan sementara limbah B3", "14 hari kerja", FREE, "Persetujuan teknis"),
            ("Uji laboratorium air dan limbah", "10 hari kerja", PERDA, "Laporan hasil uji"),
            ("Pengangkutan sampah rumah tangga", "Sesuai jadwal", PERDA, "Layanan angkut"),
            ("Pengaduan pencemaran lingkungan", "5 hari kerja", FREE, "Berita acara verifikasi"),
            ("Pendaftaran bank sampah", "3 hari kerja", FREE, "Tanda daftar"),
        ],
    ),
    "8.01.0.00.0.00.01.0000": (  # Bakesbangpol
        "KESBANG",
        "Loket Bakesbangpol",
        [
            ("Surat Keterangan Terdaftar organisasi kemasyarakatan", "7 hari kerja", FREE, "SKT Ormas"),
            ("Rekomendasi penelitian", "1 hari kerja", FREE, "Surat Rekomendasi"),
            ("Pendataan partai politik", "5 hari kerja", FREE, "Tanda terdaftar"),
            ("Surat keterangan pelaporan kegiatan orang asing", "3 hari kerja", FREE, "Surat Keterangan"),
        ],
    ),
    "1.04.1.03.0.00.01.0000": (  # Disperkim
        "PERKIM",
        "Loket Disperkim",
        [
            ("Usulan bedah rumah tidak layak huni", "Sesuai jadwal verifikasi", FREE, "Tanda terima usulan"),
            ("Penyerahan prasarana, sarana dan utilitas perumahan", "30 hari kerja", FREE, "Berita acara"),
            ("Rekomendasi site plan perumahan", "14 hari kerja", FREE, "Pengesahan site plan"),
            ("Pelayanan pemakaman umum", "Hari itu juga", PERDA, "Izin penggunaan makam"),
            ("Penerangan jalan umum: pengaduan lampu padam", "3 hari kerja", FREE, "Perbaikan PJU"),
        ],
    ),
    "1.03.0.00.0.00.01.0000": (  # PU Pengairan
        "AIR",
        "Loket PU Pengairan",
        [
            ("Rekomendasi teknis pemanfaatan sumber air", "14 hari kerja", FREE, "Rekomendasi teknis"),
            ("Rekomendasi penggunaan sempadan sungai dan saluran", "14 hari kerja", FREE, "Rekomendasi"),
            ("Pengaduan kerusakan saluran irigasi", "5 hari kerja", FREE, "Tindak lanjut"),
            ("Peminjaman alat berat", "5 hari kerja", PERDA, "Perjanjian sewa"),
        ],
    ),
    "1.03.0.00.0.00.02.0000": (  # PU Bina Marga
        "BM",
        "Loket PU Bina Marga",
        [
            ("Izin pemanfaatan ruang milik jalan", "14 hari kerja", PERDA, "Izin pemanfaatan"),
            ("Rekomendasi akses jalan masuk", "7 hari kerja", FREE, "Rekomendasi"),
            ("Uji mutu material konstruksi", "7 hari kerja", PERDA, "Laporan hasil uji"),
            ("Pengaduan jalan dan jembatan rusak", "5 hari kerja", FREE, "Tindak lanjut"),
            ("Tanda daftar usaha jasa konstruksi perseorangan", "5 hari kerja", FREE, "Tanda daftar"),
        ],
    ),
    "1.03.0.00.0.00.03.0000": (  # Cipta Karya
        "CK",
        "Loket Cipta Karya",
        [
            ("Keterangan Rencana Kota (KRK)", "5 hari kerja", FREE, "KRK"),
            ("Rekomendasi teknis PBG", "14 hari kerja", FREE, "Rekomendasi teknis"),
            ("Penyambungan air limbah domestik terpusat", "7 hari kerja", PERDA, "Sambungan rumah"),
        ],
    ),
    "2.10.0.00.0.00.01.0000": (  # Dispertanahan
        "TANAH",
        "Loket Dinas Pertanahan",
        [
            ("Pertimbangan teknis pertanahan", "14 hari kerja", FREE, "Pertimbangan teknis"),
            ("Penyelesaian sengketa tanah garapan", "30 hari kerja", FREE, "Berita acara mediasi"),
            ("Inventarisasi tanah aset daerah", "14 hari kerja", FREE, "Data inventaris"),
        ],
    ),
    "1.01.0.00.0.00.01.0000": (  # Dispendik
        "DIK",
        "Loket Dinas Pendidikan",
        [
            ("Legalisir ijazah dan surat keterangan pengganti ijazah", "1 hari kerja", FREE, "Salinan sah"),
            ("Surat keterangan pengganti ijazah hilang", "7 hari kerja", FREE, "Surat Keterangan"),
            ("Rekomendasi pindah sekolah", "1 hari kerja", FREE, "Surat Rekomendasi"),
            ("Izin pendirian satuan pendidikan", "30 hari kerja", FREE, "Izin pendirian"),
            ("Beasiswa Banyuwangi Cerdas", "Sesuai jadwal", FREE, "Keputusan penerima"),
            ("Tunjangan profesi guru: verifikasi berkas", "14 hari kerja", FREE, "Berkas terverifikasi"),
            ("Penerimaan peserta didik baru: pengaduan", "3 hari kerja", FREE, "Tindak lanjut"),
        ],
    ),
    "5.03.5.04.0.00.01.0000": (  # BKPSDM
        "BKPSDM",
        "Loket BKPSDM",
        [
            ("Kenaikan pangkat pegawai", "14 hari kerja", FREE, "Keputusan kenaikan pangkat"),
            ("Pensiun pegawai", "30 hari kerja", FREE, "Keputusan pensiun"),
            ("Cuti di luar tanggungan negara", "14 hari kerja", FREE, "Keputusan cuti"),
            ("Izin belajar pegawai", "7 hari kerja", FREE, "Surat izin belajar"),
            ("Kartu pegawai elektronik", "7 hari kerja", FREE, "KPE"),
            ("Legalisir dokumen kepegawaian", "1 hari kerja", FREE, "Salinan sah"),
        ],
    ),
    "2.22.0.00.0.00.01.0000": (  # Disbudpar
        "BUDPAR",
        "Loket Disbudpar",
        [
            ("Pendaftaran peserta Banyuwangi Festival", "Sesuai jadwal", FREE, "Tanda daftar"),
            ("Rekomendasi kegiatan kesenian", "3 hari kerja", FREE, "Rekomendasi"),
            ("Pendaftaran pemandu wisata", "7 hari kerja", FREE, "Tanda daftar"),
            ("Peminjaman gedung kesenian", "3 hari kerja", PERDA, "Perjanjian pemakaian"),
            ("Pendaftaran cagar budaya", "30 hari kerja", FREE, "Tanda daftar"),
        ],
    ),
    "2.17.3.30.0.00.01.0000": (  # Diskop UMP
        "KOP",
        "Loket Diskop UMP",
        [
            ("Pendampingan pendirian koperasi", "14 hari kerja", FREE, "Akta pendirian (melalui notaris)"),
            ("Sertifikasi halal gratis untuk usaha mikro (fasilitasi)", "30 hari kerja", FREE, "Fasilitasi"),
            ("Pendaftaran merek usaha mikro (fasilitasi)", "14 hari kerja", FREE, "Berkas permohonan"),
            ("Pemakaian kios pasar daerah", "7 hari kerja", PERDA, "Surat izin penempatan"),
            ("Kartu pedagang pasar", "3 hari kerja", PERDA, "Kartu pedagang"),
        ],
    ),
    "2.23.2.24.0.00.01.0000": (  # Dispusip
        "PUS",
        "Loket Perpustakaan",
        [
            ("Kartu anggota perpustakaan", "Hari itu juga", FREE, "Kartu anggota"),
            ("Peminjaman buku", "Hari itu juga", FREE, "Buku pinjaman"),
            ("Layanan perpustakaan keliling", "Sesuai jadwal", FREE, "Layanan baca"),
            ("Penyimpanan arsip statis", "14 hari kerja", FREE, "Berita acara serah terima"),
        ],
    ),
    "3.27.0.00.0.00.01.0000": (  # Dispertan
        "TANI",
        "Loket Dinas Pertanian",
        [
            ("Rekomendasi pupuk bersubsidi (e-RDKK)", "Sesuai jadwal", FREE, "Data e-RDKK"),
            ("Klinik tanaman", "Hari itu juga", FREE, "Rekomendasi pengendalian"),
            ("Sewa alat dan mesin pertanian", "3 hari kerja", PERDA, "Perjanjian sewa"),
            ("Pendaftaran kelompok tani", "7 hari kerja", FREE, "Tanda daftar"),
        ],
    ),
    "3.27.0.00.0.00.02.0000": (  # Disnakkeswan
        "WAN",
        "Loket Disnakkeswan",
        [
            ("Surat keterangan kesehatan hewan", "1 hari kerja", PERDA, "SKKH"),
            ("Vaksinasi rabies hewan peliharaan", "Hari itu juga", FREE, "Kartu vaksin hewan"),
            ("Inseminasi buatan ternak", "Sesuai jadwal", PERDA, "Layanan IB"),
            ("Nomor kontrol veteriner", "14 hari kerja", FREE, "NKV"),
        ],
    ),
    "3.25.0.00.0.00.01.0000": (  # Diskan
        "IKAN",
        "Loket Dinas Perikanan",
        [
            ("Kartu pelaku usaha kelautan dan perikanan (Kusuka)", "3 hari kerja", FREE, "Kartu Kusuka"),
            ("Tanda daftar kapal perikanan", "7 hari kerja", FREE, "Tanda daftar"),
            ("Surat keterangan asal ikan", "1 hari kerja", FREE, "Surat Keterangan"),
        ],
    ),
    "2.08.2.14.0.00.01.0000": (  # DP3AKB
        "P3AKB",
        "Loket DP3AKB",
        [
            ("Pengaduan kekerasan terhadap perempuan dan anak", "Hari itu juga", FREE, "Pendampingan"),
            ("Konseling keluarga", "Sesuai jadwal", FREE, "Layanan konseling"),
            ("Pelayanan KB di mal pelayanan", "Hari itu juga", FREE, "Layanan KB"),
        ],
    ),
    "1.05.0.00.0.00.03.0000": (  # Damkar
        "DAMKAR",
        "Loket Damkar",
        [
            ("Rekomendasi proteksi kebakaran bangunan", "14 hari kerja", FREE, "Rekomendasi"),
            ("Uji alat pemadam api ringan", "3 hari kerja", PERDA, "Laporan uji"),
            ("Evakuasi dan penyelamatan non-kebakaran", "Segera", FREE, "Layanan penyelamatan"),
        ],
    ),
    "1.02.0.00.0.00.02.0000": (  # RSUD Blambangan
        "RSUDB",
        "Loket Pendaftaran RSUD Blambangan",
        [
            ("Pendaftaran rawat jalan", "Hari itu juga", PERDA, "Layanan poliklinik"),
            ("Instalasi gawat darurat", "Segera", PERDA, "Layanan gawat darurat"),
            ("Rawat inap", "Sesuai kebutuhan medis", PERDA, "Layanan rawat inap"),
            ("Pemeriksaan kesehatan (medical check-up)", "Hari itu juga", PERDA, "Hasil pemeriksaan"),
            ("Surat keterangan sehat jasmani", "Hari itu juga", PERDA, "Surat Keterangan"),
            ("Salinan resume rekam medis", "3 hari kerja", PERDA, "Resume medis"),
            ("Pelayanan laboratorium klinik", "Hari itu juga", PERDA, "Hasil laboratorium"),
            ("Pelayanan radiologi", "Hari itu juga", PERDA, "Hasil radiologi"),
            ("Pelayanan hemodialisis", "Sesuai jadwal", PERDA, "Layanan hemodialisis"),
            ("Pelayanan ambulans", "Segera", PERDA, "Layanan ambulans"),
        ],
    ),
    "2.16.2.20.2.21.01.0000": (  # Diskominfo
        "INFO",
        "Meja PPID Diskominfo",
        [
            ("Permohonan informasi publik (PPID)", "10 hari kerja", FREE, "Informasi publik"),
            ("Keberatan atas permohonan informasi publik", "30 hari kerja", FREE, "Tanggapan atas keberatan"),
            ("Pembuatan subdomain situs desa", "5 hari kerja", FREE, "Subdomain aktif"),
            ("Pemasangan akses internet desa", "Sesuai jadwal", FREE, "Akses internet"),
            ("Peliputan kegiatan pemerintah", "Sesuai jadwal", FREE, "Berita kegiatan"),
        ],
    ),
    "1.05.0.00.0.00.01.0000": (  # Satpol PP
        "SATPOL",
        "Loket Satpol PP",
        [
            ("Pengamanan kegiatan masyarakat", "3 hari kerja", FREE, "Personel pengamanan"),
            ("Pengaduan ketenteraman dan ketertiban umum", "3 hari kerja", FREE, "Tindak lanjut"),
            ("Pengambilan barang sitaan penertiban", "1 hari kerja", FREE, "Berita acara pengembalian"),
        ],
    ),
    "2.09.0.00.0.00.01.0000": (  # DKP
        "PANGAN",
        "Loket Dinas Ketahanan Pangan",
        [
            ("Uji cepat keamanan pangan segar", "Hari itu juga", FREE, "Hasil uji"),
            ("Registrasi pangan segar asal tumbuhan", "14 hari kerja", FREE, "Nomor registrasi"),
            ("Pasar murah dan operasi pangan", "Sesuai jadwal", FREE, "Layanan pasar murah"),
        ],
    ),
    "2.19.0.00.0.00.01.0000": (  # Dispora
        "ORA",
        "Loket Dispora",
        [
            ("Peminjaman gelanggang olahraga", "3 hari kerja", PERDA, "Perjanjian pemakaian"),
            ("Pendaftaran organisasi kepemudaan", "7 hari kerja", FREE, "Tanda daftar"),
            ("Rekomendasi kegiatan olahraga", "3 hari kerja", FREE, "Rekomendasi"),
        ],
    ),
}

LEGAL_BASIS = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik; "
    "Peraturan Bupati Banyuwangi tentang Standar Pelayanan pada {agency}"
)
REQUIREMENTS = {
    FREE: "1. KTP-el pemohon\n2. Kartu Keluarga\n3. Formulir permohonan yang telah diisi",
    PERDA: "1. KTP-el pemohon\n2. Formulir permohonan\n3. Dokumen teknis sesuai jenis layanan\n"
    "4. Bukti pembayaran retribusi",
}
PROCEDURE = (
    "1. Ambil nomor antrean di kios atau loket\n2. Serahkan berkas di {counter}\n3. Petugas memeriksa "
    "kelengkapan berkas\n4. Proses penyelesaian\n5. Produk layanan diserahkan kepada pemohon"
)
COMPLAINTS = "Kotak pengaduan di mal pelayanan publik, laman pengaduan pemda, atau telepon (0333) 000000"
DEMO_RESPONSES = 4_000
SURVEY_DAYS = 56


def _catalogue_rows(units: dict[str, PerangkatDaerah]) -> list[list[str]]:
    rows = []
    for code, (prefix, counter, services) in CATALOGUE.items():
        unit = units.get(code)
        if unit is None:
            continue
        for number, (name, days, fee, product) in enumerate(services, start=1):
            rows.append(
                [
                    f"{prefix}-{number:02d}",
                    name,
                    code,
                    unit.name,
                    LEGAL_BASIS.format(agency=unit.name),
                    REQUIREMENTS[fee],
                    PROCEDURE.format(counter=counter),
                    days,
                    fee,
                    product,
                    COMPLAINTS,
                    counter,
                ]
            )
    return rows


def _write_csv(directory: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _survey_rows(codes: list[str], today: dt.date) -> list[list[str]]:
    rng = random.Random(35_10)  # the same demo every time
    genders = ["L", "P"]
    schooling = ["SD", "SMP", "SMA", "D3", "S1", "S2"]
    work = ["PNS", "TNI/Polri", "Swasta", "Wirausaha", "Pelajar/Mahasiswa", "Lainnya"]
    rows = []
    for index in range(DEMO_RESPONSES):
        code = codes[index % len(codes)]
        # Some services serve well, some less so: the grades in the report then differ.
        base = 3.6 - (zlib.crc32(code.encode()) % 7) * 0.12
        answers = [str(min(4, max(1, round(rng.gauss(base, 0.55))))) for _ in ELEMENT_KEYS]
        day = today - dt.timedelta(days=rng.randrange(SURVEY_DAYS))
        rows.append(
            [
                code,
                day.isoformat(),
                *answers,
                rng.choice(genders),
                str(rng.randint(17, 75)),
                rng.choice(schooling),
                rng.choice(work),
            ]
        )
    return rows


def seed(pemda: Pemda, *, actor: Actor) -> str:
    """Load the catalogue (again) and, once, some weeks of survey responses."""
    units = {unit.code: unit for unit in PerangkatDaerah.objects.filter(pemda=pemda)}
    header = ["kode_layanan", "nama", "kode_skpd", "nama_skpd", "dasar_hukum", "persyaratan", "prosedur"]
    header += ["waktu", "biaya", "produk", "pengaduan", "loket"]
    rows = _catalogue_rows(units)
    added = 0
    with tempfile.TemporaryDirectory(prefix="spbe-demo-") as folder:
        result = services_import(
            actor=actor, pemda=pemda, path=_write_csv(Path(folder), "layanan.csv", header, rows)
        )
        if not SurveyResponse.objects.filter(pemda=pemda).exists():
            today = timezone.now().astimezone(zoneinfo.ZoneInfo(pemda.time_zone)).date()
            survey = _survey_rows([row[0] for row in rows], today)
            survey_header = ["kode_layanan", "tanggal", *ELEMENT_KEYS, "jenis_kelamin", "usia"]
            survey_header += ["pendidikan", "pekerjaan"]
            added = survey_import(
                actor=actor, pemda=pemda, path=_write_csv(Path(folder), "survei.csv", survey_header, survey)
            ).rows
    events = seed_events(pemda, actor=actor)
    queues = seed_queues(pemda, CATALOGUE, actor=actor)
    return (
        f"layanan publik: {len(rows)} layanan ({result.created} baru), {added} jawaban survei baru, "
        f"{events} layanan jemput bola baru; {queues}"
    )
