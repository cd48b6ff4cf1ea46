"""Demo complaints for Banyuwangi: a few weeks' worth, at every step of the journey.

Each complaint goes through the same services an officer uses (submit, verify, route, answer, close,
reject), so the demo's journeys and audit trail are real ones. A few dozen complaints, one service call
each step: small enough that a loop of services costs about a second. Added once: a pemda that has
complaints already gets none.
"""

from __future__ import annotations

import random

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.actors import Actor

from .models import Channel, Complaint
from .services import (
    ComplainantData,
    complaint_answer,
    complaint_close,
    complaint_reject,
    complaint_reply,
    complaint_route,
    complaint_submit,
    complaint_verify,
)

# (subject, description, location, agency code, answer)
CASES = [
    (
        "Jalan berlubang di Jl. Raya Rogojampi",
        "Lubang besar di jalur sepeda motor, sudah dua pengendara jatuh minggu ini.",
        "Rogojampi",
        "1.03.0.00.0.00.02.0000",
        "Tim UPT Jalan menambal lubang pada hari Kamis; perbaikan menyeluruh masuk rencana tahun depan.",
    ),
    (
        "Antrean KTP-el terlalu lama",
        "Datang pukul 07.00, baru dipanggil pukul 13.00. Mohon tambah loket.",
        "Mal Pelayanan Publik",
        "2.12.0.00.0.00.01.0000",
        "Sejak Senin loket perekaman ditambah dua dan antrean daring dibuka; rata-rata tunggu kini 45 menit.",
    ),
    (
        "Sampah menumpuk di TPS Pasar Genteng",
        "Sampah tidak diangkut tiga hari, bau sampai ke rumah warga.",
        "Genteng",
        "2.11.0.00.0.00.01.0000",
        "Jadwal angkut TPS Pasar Genteng menjadi setiap hari mulai pekan ini.",
    ),
    (
        "Lampu lalu lintas mati di simpang Brawijaya",
        "Lampu mati sejak hujan deras kemarin, rawan tabrakan pada jam sibuk.",
        "Kota Banyuwangi",
        "2.15.0.00.0.00.01.0000",
        "Unit kontrol diganti dan lampu menyala kembali; petugas berjaga selama perbaikan.",
    ),
    (
        "Puskesmas tutup sebelum jam layanan",
        "Pukul 13.30 loket pendaftaran sudah tutup padahal jadwal sampai 14.00.",
        "Kecamatan Glenmore",
        "1.02.0.00.0.00.01.0000",
        "Kepala puskesmas sudah ditegur; jam loket kini dipantau setiap hari oleh dinas.",
    ),
    (
        "Bantuan sosial tidak sampai",
        "Nama kami terdaftar sebagai penerima tetapi bantuan bulan ini belum diterima.",
        "Kecamatan Srono",
        "1.06.0.00.0.00.01.0000",
        "Data penerima sudah dicocokkan; bantuan dapat diambil di kantor pos Srono mulai Senin.",
    ),
]
NAMES = ["Siti Aminah", "Agus Prasetyo", "Dewi Lestari", "Bambang Hartono", "Rina Wulandari", "Ahmad Fauzi"]
COUNT = 24


def seed(pemda: Pemda, *, actor: Actor) -> str:
    if Complaint.objects.filter(pemda=pemda).exists():
        return "pengaduan: sudah ada, tidak ditambah"
    units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
    fallback = next(iter(units.values()))
    rng = random.Random(3510)
    channels = [Channel.WEB, Channel.WEB, Channel.KIOSK, Channel.COUNTER]
    for index in range(COUNT):
        subject, description, location, unit_code, answer = CASES[index % len(CASES)]
        name = NAMES[index % len(NAMES)]
        complaint = complaint_submit(
            actor=actor,
            pemda=pemda,
            channel=channels[index % len(channels)],
            subject=subject,
            description=description,
            location=location,
            complainant=ComplainantData(
                name=name,
                nik=f"3510{rng.randrange(10**11, 10**12)}",
                phone=f"08{rng.randrange(10**9, 10**10)}",
                email=f"{name.split()[0].lower()}{index}@contoh.id",
            ),
        )
        # How far each complaint got: some still wait for verification, most were answered.
        stage = index % 6
        if stage == 0:
            continue
        if stage == 1:
            complaint_reject(actor=actor, complaint=complaint, reason="Sama dengan pengaduan sebelumnya.")
            continue
        complaint_verify(actor=actor, complaint=complaint)
        if stage == 2:
            continue
        complaint_route(actor=actor, complaint=complaint, unit=units.get(unit_code, fallback))
        if stage == 3:
            continue
        complaint_answer(actor=actor, complaint=complaint, text=answer)
        if stage == 4:
            continue
        complaint_close(actor=actor, complaint=complaint)
        if index % 12 == 5:
            complaint_reply(
                actor=actor, complaint=complaint, text="Pemantauan lanjutan: perbaikan sudah selesai."
            )
    return f"pengaduan: {COUNT} pengaduan dengan perjalanannya"
