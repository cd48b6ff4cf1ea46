"""Public API of the service catalogue: a pemda's services and one service. No token needed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors, speed
from .models import Service

router = Router(tags=["layanan"])

# The public catalogue page and each service's page are the same for every anonymous visitor until the
# pemda's catalogue is imported again (``services_import`` bumps this data set; see spbe.core.published).
CATALOGUE_PAGES = r"/pemda/(?P<pemda>[0-9.]{1,10})/layanan/(?:[^/]{1,64}/)?"
PUBLISHED_ROUTES = [(CATALOGUE_PAGES, selectors.CATALOGUE_DATA_SET), *speed.PUBLISHED_ROUTES]


class ServiceOut(Schema):
    kode_layanan: str
    nama: str
    kode_skpd: str
    nama_skpd: str
    dasar_hukum: str
    persyaratan: str
    prosedur: str
    waktu: str
    biaya: str
    produk: str
    pengaduan: str
    loket: str


def _out(service: Service) -> ServiceOut:
    return ServiceOut(
        kode_layanan=service.kode_layanan,
        nama=service.nama,
        kode_skpd=service.unit.code,
        nama_skpd=service.unit.name,
        dasar_hukum=service.dasar_hukum,
        persyaratan=service.persyaratan,
        prosedur=service.prosedur,
        waktu=service.waktu,
        biaya=service.biaya,
        produk=service.produk,
        pengaduan=service.pengaduan,
        loket=service.loket,
    )


@router.get("/pemda/{code}/services", response=list[ServiceOut], summary="Katalog layanan publik")
def list_services(request: HttpRequest, code: str, q: str = "") -> list[ServiceOut]:
    """Every service of the pemda in code order; ``q`` keeps those whose text holds every word."""
    pemda = selectors.public_pemda(code)
    return [_out(s) for s in selectors.services_of(pemda, q[:100])]


@router.get("/pemda/{code}/services/{kode}", response=ServiceOut, summary="Satu standar pelayanan")
def get_service(request: HttpRequest, code: str, kode: str) -> ServiceOut:
    return _out(selectors.service_of(selectors.public_pemda(code), kode))
