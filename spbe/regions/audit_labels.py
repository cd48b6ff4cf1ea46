"""What the regions app's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register, register_object_type

register("regions.load", _("Data wilayah dimuat"))
register_object_type(
    "regions.region",
    _("Data wilayah"),
    fields={
        "source": _("Sumber"),
        "provinces": _("Provinsi"),
        "regencies": _("Kabupaten/kota"),
        "districts": _("Kecamatan"),
        "villages": _("Desa/kelurahan"),
        "desa": _("Desa"),
        "kelurahan": _("Kelurahan"),
    },
)
