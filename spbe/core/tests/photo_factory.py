"""Photos made on the spot for tests, with the EXIF a phone camera writes (or deliberately without it)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

from PIL import ExifTags, Image, TiffImagePlugin


def _dms(value: Decimal) -> tuple[TiffImagePlugin.IFDRational, ...]:
    """Degrees as a camera writes them: whole degrees, whole minutes, seconds to 1/10,000."""
    total = Fraction(abs(value))
    degrees = int(total)
    minutes = int((total - degrees) * 60)
    seconds = (total - degrees - Fraction(minutes, 60)) * 3600
    R = TiffImagePlugin.IFDRational
    return (R(degrees, 1), R(minutes, 1), R(round(seconds * 10_000), 10_000))


def make_photo(
    *,
    latitude: Decimal | str | None = None,
    longitude: Decimal | str | None = None,
    taken: dt.datetime | None = None,
    offset: str | None = None,
    size: tuple[int, int] = (400, 300),
    fmt: str = "JPEG",
    orientation: int | None = None,
    gps_extra: dict[int, object] | None = None,
    color: tuple[int, int, int] = (200, 40, 40),
) -> bytes:
    """A photo with a GPS position and time in EXIF when given; plus an ICC profile and a comment (JPEG)."""
    image = Image.new("RGB", size, color)
    # A marker in the top-left corner, so a test can see which way up a copy is.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    if latitude is not None and longitude is not None:
        lat, lon = Decimal(latitude), Decimal(longitude)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "S" if lat < 0 else "N"
        gps[ExifTags.GPS.GPSLatitude] = _dms(lat)
        gps[ExifTags.GPS.GPSLongitudeRef] = "W" if lon < 0 else "E"
        gps[ExifTags.GPS.GPSLongitude] = _dms(lon)
        gps.update(gps_extra or {})
    if taken is not None:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        details[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            details[ExifTags.Base.OffsetTimeOriginal] = offset
    out = io.BytesIO()
    extra: dict[str, object] = {"exif": exif}
    if fmt == "JPEG":
        extra.update(icc_profile=b"not-really-an-icc-profile", comment=b"secret comment")
    image.save(out, fmt, **extra)
    return out.getvalue()
