"""What the APBDes staff pages' and XLSX template's audit codes mean (imported by ``audit_labels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import register

register("apbdes.line_change", _("Rincian APBDes diubah"))
register("apbdes.line_remove", _("Rincian APBDes dihapus"))
register("apbdes.revise", _("APBDes perubahan dimulai"))
register("apbdes.reopen", _("APBDes yang selesai dievaluasi dibuka lagi oleh Kades"))
register("apbdes.template_import", _("Rincian APBDes diganti dari templat XLSX"))
register("apbdes.realisation_import", _("Realisasi manual desa diunggah dari templat XLSX"))
