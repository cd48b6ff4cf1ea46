"""Every uploaded photo of every module goes through here: checked, read, and copied clean for the public.

1. :func:`inspect` refuses anything that is not a real JPEG, PNG or WebP image of sane size: the byte size
   is checked before decoding, the pixel count from the header before the pixels are decoded (a small file
   can unpack to gigabytes: a decompression bomb), then the whole image is decoded so a truncated or
   corrupt file is refused now rather than when someone opens it. The file's name and claimed content type
   are never trusted; the bytes decide.
2. It reads the evidence a field photo carries: the EXIF GPS position (degrees, minutes and seconds as
   rationals, with the N/S and E/W references) and ``DateTimeOriginal`` (with ``OffsetTimeOriginal`` when
   the camera wrote one).
3. :func:`public_copies` turns the upright image (EXIF orientation applied) into a resized JPEG for the
   public and a thumbnail, carrying *no* metadata at all: no EXIF (position, time, camera serial), no
   ICC profile, no comment, no XMP. The original, with its metadata, is for the record only.

4. :func:`files_of_transaction` is the transaction a service stores photo files in: the files it saved
   are deleted again when that transaction does not commit, so a refused or failed write never leaves
   files nobody refers to.

Steps 1-3 touch no database and no storage: callers decide where the bytes go. Errors are
:class:`PhotoRejected` (a :class:`~spbe.core.errors.ValidationFailed`) with a message in Indonesian.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import ValidationFailed
from .geo import GeoPoint

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PUBLIC_FORMAT, PUBLIC_CONTENT_TYPE, PUBLIC_QUALITY = "JPEG", "image/jpeg", 85
EXIF_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
EXIF_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


@dataclass(frozen=True)
class PhotoLimits:
    """What an upload may be: bytes on disk, pixels decoded, and the sides of the public copies."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 64_000_000  # a 50-megapixel phone photo fits; a 30,000 x 30,000 bomb does not
    public_side: int = 1600
    thumbnail_side: int = 320

    @classmethod
    def from_settings(cls) -> PhotoLimits:
        return cls(
            max_bytes=getattr(settings, "SPBE_PHOTO_MAX_BYTES", cls.max_bytes),
            max_pixels=getattr(settings, "SPBE_PHOTO_MAX_PIXELS", cls.max_pixels),
            public_side=getattr(settings, "SPBE_PHOTO_PUBLIC_SIDE", cls.public_side),
            thumbnail_side=getattr(settings, "SPBE_PHOTO_THUMBNAIL_SIDE", cls.thumbnail_side),
        )


class PhotoRejected(ValidationFailed):
    """The upload is not a photo this product accepts; ``message`` says why and what to send instead."""


@dataclass(frozen=True)
class PhotoInfo:
    """What a checked photo is and what its metadata says.

    ``taken_at`` is aware when the camera wrote its UTC offset, else naive local time (the caller reads it
    in the pemda's time zone). ``position`` is None when there is no usable GPS fix.
    """

    format: str
    content_type: str
    width: int
    height: int
    size: int
    position: GeoPoint | None
    taken_at: dt.datetime | None


@dataclass(frozen=True)
class PublicCopies:
    """The metadata-free JPEGs for the public: the resized photo and its thumbnail."""

    photo: bytes
    photo_size: tuple[int, int]
    thumbnail: bytes
    content_type: str = PUBLIC_CONTENT_TYPE


def read_upload(upload: bytes | IO[bytes], limits: PhotoLimits, field: str = "photo") -> bytes:
    """The bytes of ``upload`` (an uploaded file or bytes), refused beyond ``limits.max_bytes`` unread."""
    if isinstance(upload, bytes):
        data = upload
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise PhotoRejected(
            _("Foto lebih dari %(mb)s MB. Kirim foto yang lebih kecil.")
            % {"mb": _megabytes(limits.max_bytes)},
            field=field,
        )
    if not data:
        raise PhotoRejected(_("Berkas foto kosong."), field=field)
    return data


def _megabytes(size: int) -> str:
    return format(Decimal(size) / (1024 * 1024), "f").rstrip("0").rstrip(".")


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Decode with truncated files refused, whatever the process-wide setting says.

    WeasyPrint (the PDF documents) sets ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the whole process
    when it is imported, which would let a half-uploaded photo through with grey rows. The flag is a
    module global read during ``load()``, so it is switched off around the decode, under a lock so two
    uploads never restore each other's value. A PDF rendered in another thread during those milliseconds
    refuses a truncated image too, which only documents holding a broken image would notice.
    """
    with _STRICT:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _open(data: bytes, limits: PhotoLimits, field: str) -> Image.Image:
    """Open and fully decode ``data`` as an accepted format within the pixel limit."""
    not_a_photo = _("Berkas ini bukan foto JPEG, PNG atau WebP yang dapat dibaca.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it; every bomb warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            width, height = image.size
            if width < 1 or height < 1 or width * height > limits.max_pixels:
                raise PhotoRejected(
                    _(
                        "Foto %(width)d x %(height)d piksel terlalu besar (paling banyak %(mp)d megapiksel). "
                        "Kirim foto dengan resolusi lebih kecil."
                    )
                    % {"width": width, "height": height, "mp": limits.max_pixels // 1_000_000},
                    field=field,
                )
            with _strict_decoding():
                image.load()
    except PhotoRejected:
        raise
    except UnidentifiedImageError:
        raise PhotoRejected(not_a_photo, field=field) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(
            _("Foto terlalu besar untuk diproses. Kirim foto dengan resolusi lebih kecil."), field=field
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise PhotoRejected(
            _("Foto rusak atau terpotong dan tidak dapat dibuka. Ambil atau kirim ulang fotonya."),
            field=field,
        ) from None
    return image


def inspect(
    upload: bytes | IO[bytes], *, limits: PhotoLimits | None = None, field: str = "photo"
) -> PhotoInfo:
    """Check that ``upload`` is an accepted photo and read its position and time; PhotoRejected if not."""
    limits = limits or PhotoLimits.from_settings()
    data = read_upload(upload, limits, field)
    return _info(data, _open(data, limits, field))


def _info(data: bytes, image: Image.Image) -> PhotoInfo:
    exif = image.getexif()
    fmt = str(image.format)
    return PhotoInfo(
        format=fmt,
        content_type=FORMATS[fmt],
        width=image.width,
        height=image.height,
        size=len(data),
        position=gps_position(exif),
        taken_at=taken_at(exif),
    )


def _rational(value: Any) -> Fraction | None:
    """An EXIF number (IFDRational, int, or a float some writers use) as an exact Fraction."""
    try:
        if hasattr(value, "numerator") and hasattr(value, "denominator"):
            numerator, denominator = int(value.numerator), int(value.denominator)
            return None if denominator == 0 else Fraction(numerator, denominator)
        if isinstance(value, float):
            return Fraction(repr(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return None


def _degrees(value: Any) -> Fraction | None:
    """Degrees from EXIF's (degrees, minutes, seconds), or fewer parts, or one rational of degrees."""
    parts = value if isinstance(value, tuple) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    total = Fraction(0)
    for part, scale in zip(parts, (1, 60, 3600), strict=False):
        number = _rational(part)
        if number is None or number < 0:
            return None
        total += number / scale
    return total


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value).strip("\x00 ").upper() if value is not None else ""


def gps_position(exif: Image.Exif) -> GeoPoint | None:
    """The GPS position in ``exif`` as a point with 6 decimals; None when absent, void or impossible.

    A fix marked void (``GPSStatus`` V), a missing or unknown N/S/E/W reference, a coordinate out of
    range and exactly (0, 0) (what some cameras write when they have no fix) all count as no position.
    """
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None
    if _text(gps.get(ExifTags.GPS.GPSStatus)) == "V":
        return None
    lat_ref, lon_ref = (
        _text(gps.get(ExifTags.GPS.GPSLatitudeRef)),
        _text(gps.get(ExifTags.GPS.GPSLongitudeRef)),
    )
    latitude, longitude = (
        _degrees(gps.get(ExifTags.GPS.GPSLatitude)),
        _degrees(gps.get(ExifTags.GPS.GPSLongitude)),
    )
    if latitude is None or longitude is None or lat_ref not in {"N", "S"} or lon_ref not in {"E", "W"}:
        return None
    if latitude > 90 or longitude > 180 or (latitude == 0 and longitude == 0):
        return None
    lat = Decimal(latitude.numerator) / Decimal(latitude.denominator)
    lon = Decimal(longitude.numerator) / Decimal(longitude.denominator)
    return GeoPoint.rounded(-lat if lat_ref == "S" else lat, -lon if lon_ref == "W" else lon)


def taken_at(exif: Image.Exif) -> dt.datetime | None:
    """``DateTimeOriginal`` (aware with ``OffsetTimeOriginal``, else naive); None if absent or invalid."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    match = EXIF_DATETIME.fullmatch(_text(details.get(ExifTags.Base.DateTimeOriginal)))
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # 0000:00:00 00:00:00 and other impossible dates: no time
    offset = EXIF_OFFSET.fullmatch(_text(details.get(ExifTags.Base.OffsetTimeOriginal)))
    if offset is not None:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = sign * (int(offset.group(2)) * 60 + int(offset.group(3)))
        if abs(minutes) < 24 * 60:
            moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    return moment


def _clean_rgb(image: Image.Image) -> Image.Image:
    """An upright RGB copy holding pixels only (transparency flattened on white, no info, no EXIF)."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in {"RGBA", "LA", "PA"} or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    # A new image from the pixel data alone: nothing of the original's info (ICC, XMP, comments) survives.
    rgb = upright.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _jpeg(image: Image.Image, side: int) -> tuple[bytes, tuple[int, int]]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, PUBLIC_FORMAT, quality=PUBLIC_QUALITY, optimize=True, exif=b"")
    return out.getvalue(), copy.size


def _copies(image: Image.Image, limits: PhotoLimits) -> PublicCopies:
    clean = _clean_rgb(image)
    photo, size = _jpeg(clean, limits.public_side)
    thumbnail, _size = _jpeg(clean, limits.thumbnail_side)
    return PublicCopies(photo=photo, photo_size=size, thumbnail=thumbnail)


def public_copies(
    upload: bytes | IO[bytes], *, limits: PhotoLimits | None = None, field: str = "photo"
) -> PublicCopies:
    """The public photo (longest side ``limits.public_side``) and thumbnail, upright and metadata-free."""
    limits = limits or PhotoLimits.from_settings()
    return _copies(_open(read_upload(upload, limits, field), limits, field), limits)


def prepare(
    upload: bytes | IO[bytes], *, limits: PhotoLimits | None = None, field: str = "photo"
) -> tuple[bytes, PhotoInfo, PublicCopies]:
    """Check, read and copy with one decode: the original bytes (for the record), info, public copies."""
    limits = limits or PhotoLimits.from_settings()
    data = read_upload(upload, limits, field)
    image = _open(data, limits, field)
    return data, _info(data, image), _copies(image, limits)


@dataclass
class FileWrites:
    """The files one transaction stored: :meth:`save` them, and they go again if it rolls back."""

    saved: list[FieldFile] = field(default_factory=list)

    def save(self, target: FieldFile, name: str, data: bytes) -> None:
        """Store ``data`` in ``target`` (a file field of a row not saved yet) under ``name``."""
        target.save(name, ContentFile(data), save=False)
        self.saved.append(target)

    def delete(self) -> None:
        """Remove every file stored so far; a file already gone is no error (the rollback must finish)."""
        for stored in reversed(self.saved):
            # A disk refusing the delete must not hide the error that rolled the transaction back.
            with suppress(OSError):
                if stored.name:
                    stored.storage.delete(stored.name)
        self.saved.clear()


@contextmanager
def files_of_transaction(using: str | None = None) -> Iterator[FileWrites]:
    """A durable transaction whose stored files are deleted again unless it commits.

    Storage has no rollback: a file written inside a transaction that then fails (a constraint, a race
    lost, an error after the upload, the COMMIT itself) would stay on disk with no row pointing at it. The
    transaction is ``durable`` (Django refuses to nest it in another one), so leaving this block normally
    *is* the commit and no outer transaction can roll the rows back afterwards behind the files' back.
    """
    writes = FileWrites()
    try:
        with transaction.atomic(using=using, durable=True):
            yield writes
    except BaseException:
        writes.delete()
        raise
