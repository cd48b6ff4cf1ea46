"""An uploaded table file (CSV or XLSX) saved where an import can read it: the one check-and-save every
upload page does before calling its module's import service.

The import readers (:func:`spbe.core.tabular.read_table`) go by the file's suffix, so the saved file keeps
the upload's own name (its last path segment only: a browser's ``C:\\...\\file.csv`` or ``../x.csv``
cannot climb out of ``folder``); a suffix outside ``suffixes`` or a file above ``max_bytes`` is refused as
a :class:`~spbe.core.errors.ValidationFailed` on ``field``, before anything is written. ``folder`` is the
caller's private temporary directory (``tempfile.TemporaryDirectory``), removed when the import is done.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import ValidationFailed

TABLE_SUFFIXES = frozenset({".csv", ".xlsx"})
MAX_TABLE_BYTES = 20 * 1024 * 1024


def save_table_upload(
    upload: UploadedFile[bytes] | None,
    folder: str | Path,
    *,
    field: str,
    default_name: str,
    suffixes: Collection[str] = TABLE_SUFFIXES,
    max_bytes: int = MAX_TABLE_BYTES,
) -> Path:
    """Save ``upload`` in ``folder`` under its own file name (``default_name`` when it has none)."""
    if upload is None:
        raise ValidationFailed(_("Pilih berkas CSV atau XLSX."), field=field)
    # Both separators: a name sent by a Windows browser may carry its folders with backslashes.
    name = PureWindowsPath(PurePosixPath(upload.name or default_name).name).name or default_name
    if name in {".", ".."} or Path(name).suffix.lower() not in suffixes:
        raise ValidationFailed(_("Berkas harus CSV atau XLSX."), field=field)
    if (upload.size or 0) > max_bytes:
        raise ValidationFailed(
            _("Berkas lebih dari %(size)d MB.") % {"size": max_bytes // (1024 * 1024)}, field=field
        )
    path = Path(folder) / name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path
