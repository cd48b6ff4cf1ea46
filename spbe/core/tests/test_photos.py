"""Photo checks, EXIF reading and clean public copies (spbe.core.photos), with generated photos."""

from __future__ import annotations

import datetime as dt
import io
import zlib
from decimal import Decimal

import pytest
from PIL import ExifTags, Image, ImageFile, TiffImagePlugin

from spbe.core.geo import GeoPoint, distance_m, distance_to_path_m
from spbe.core.photos import (
    PhotoLimits,
    PhotoRejected,
    gps_position,
    inspect,
    prepare,
    public_copies,
    taken_at,
)

from .photo_factory import make_photo

WIB = dt.timezone(dt.timedelta(hours=7))
BANYUWANGI = ("-8.219200", "114.369100")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_reads_the_position_and_time_of_each_accepted_format(fmt):
    data = make_photo(
        latitude=BANYUWANGI[0],
        longitude=BANYUWANGI[1],
        taken=dt.datetime(2026, 5, 1, 10, 11, 12),
        offset="+07:00",
        fmt=fmt,
    )
    info = inspect(data)
    assert info.format == fmt
    assert info.content_type == {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    assert (info.width, info.height, info.size) == (400, 300, len(data))
    assert info.position == GeoPoint(Decimal("-8.219200"), Decimal("114.369100"))
    assert info.taken_at == dt.datetime(2026, 5, 1, 10, 11, 12, tzinfo=WIB)


def test_north_west_and_a_naive_time():
    info = inspect(
        make_photo(latitude="40.689247", longitude="-74.044502", taken=dt.datetime(2026, 1, 2, 3, 4, 5))
    )
    assert info.position == GeoPoint(Decimal("40.689247"), Decimal("-74.044502"))
    assert info.taken_at == dt.datetime(2026, 1, 2, 3, 4, 5)
    assert info.taken_at.tzinfo is None


def test_rational_degrees_with_fractional_minutes_are_exact():
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    R = TiffImagePlugin.IFDRational
    gps.update({1: "S", 2: (R(8, 1), R(131520, 10000)), 3: "E", 4: R(1143691, 10000)})
    # 8 degrees and 13.152 minutes = 8.2192 exactly; longitude written as one rational of degrees.
    assert gps_position(exif) == GeoPoint(Decimal("-8.219200"), Decimal("114.369100"))


@pytest.mark.parametrize(
    "gps",
    [
        {1: "S", 2: (8, 13, 0)},  # no longitude
        {1: "X", 2: (8, 13, 0), 3: "E", 4: (114, 22, 0)},  # unknown reference
        {2: (8, 13, 0), 3: "E", 4: (114, 22, 0)},  # no latitude reference
        {1: "S", 2: (95, 0, 0), 3: "E", 4: (114, 22, 0)},  # beyond the pole
        {1: "N", 2: (0, 0, 0), 3: "E", 4: (0, 0, 0)},  # (0, 0): a camera without a fix
        {1: "S", 2: (8, 13, 0), 3: "E", 4: (114, 22, 0), 9: "V"},  # fix marked void
        {1: "S", 2: (TiffImagePlugin.IFDRational(8, 0), 0, 0), 3: "E", 4: (114, 22, 0)},  # zero denominator
    ],
)
def test_unusable_gps_counts_as_no_position(gps):
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
    assert gps_position(exif) is None


def test_a_photo_without_exif_has_no_position_and_no_time():
    image = Image.new("RGB", (50, 40), (1, 2, 3))
    out = io.BytesIO()
    image.save(out, "JPEG")
    info = inspect(out.getvalue())
    assert (info.position, info.taken_at) == (None, None)


def test_impossible_times_are_no_time():
    exif = Image.Exif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "0000:00:00 00:00:00"
    assert taken_at(exif) is None
    details[ExifTags.Base.DateTimeOriginal] = "2026:05:01 10:11:12"
    details[ExifTags.Base.OffsetTimeOriginal] = "+99:00"
    assert taken_at(exif) == dt.datetime(2026, 5, 1, 10, 11, 12)  # an impossible offset is ignored


def test_a_non_image_is_refused_in_indonesian():
    with pytest.raises(PhotoRejected) as refused:
        inspect(b"%PDF-1.7 this is a document, not a photo")
    assert "bukan foto JPEG, PNG atau WebP" in refused.value.message
    assert refused.value.field == "photo"


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(PhotoRejected):
        inspect(out.getvalue())


@pytest.mark.parametrize("lenient", [False, True])
def test_a_truncated_photo_is_refused_as_corrupt(lenient, monkeypatch):
    # WeasyPrint switches Pillow's truncated-image loading on for the whole process when imported.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", lenient)
    data = make_photo(latitude=BANYUWANGI[0], longitude=BANYUWANGI[1], size=(800, 600))
    with pytest.raises(PhotoRejected) as refused:
        inspect(data[: len(data) // 2])
    assert "rusak" in refused.value.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is lenient  # the process-wide setting is left as it was


def test_an_empty_or_oversized_file_is_refused_before_decoding():
    with pytest.raises(PhotoRejected, match="kosong"):
        inspect(b"")
    data = make_photo()
    with pytest.raises(PhotoRejected, match="lebih dari"):
        inspect(io.BytesIO(data), limits=PhotoLimits(max_bytes=len(data) - 1))
    assert inspect(io.BytesIO(data), limits=PhotoLimits(max_bytes=len(data))).width == 400


def _png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` pixels, with a tiny compressed body of zeros."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])  # 1-bit grey
    row = b"\x00" * (1 + (width + 7) // 8)
    body = zlib.compress(row * 64, 9)  # far fewer rows than claimed: never decoded anyway
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = _png_bomb(50_000, 50_000)  # 2.5 gigapixels in a few kilobytes
    assert len(bomb) < 50_000
    with pytest.raises(PhotoRejected) as refused:
        inspect(bomb)
    assert "terlalu besar" in refused.value.message
    with pytest.raises(PhotoRejected, match="terlalu besar"):
        inspect(make_photo(size=(400, 300)), limits=PhotoLimits(max_pixels=400 * 300 - 1))


def _metadata(data: bytes) -> tuple[Image.Image, dict[int, object]]:
    image = Image.open(io.BytesIO(data))
    return image, dict(image.getexif())


def test_public_copies_carry_no_metadata_at_all():
    data = make_photo(
        latitude=BANYUWANGI[0],
        longitude=BANYUWANGI[1],
        taken=dt.datetime(2026, 5, 1, 10, 0),
        size=(3200, 2400),
    )
    copies = public_copies(data)
    for copy in (copies.photo, copies.thumbnail):
        image, exif = _metadata(copy)
        assert image.format == "JPEG"
        assert exif == {}
        assert not set(image.info) & {"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp"}
        assert b"TestCam" not in copy and b"SN-123456" not in copy and b"secret comment" not in copy
    assert copies.photo_size == (1600, 1200)
    assert Image.open(io.BytesIO(copies.photo)).size == (1600, 1200)
    assert max(Image.open(io.BytesIO(copies.thumbnail)).size) == 320
    # The original keeps what the record needs.
    assert inspect(data).position is not None


def test_public_copies_are_turned_upright_and_small_photos_are_not_enlarged():
    # Orientation 6: the stored pixels must be turned 90 degrees clockwise to be upright.
    data = make_photo(size=(400, 300), orientation=6)
    copies = public_copies(data, limits=PhotoLimits(public_side=1600))
    image = Image.open(io.BytesIO(copies.photo)).convert("RGB")
    assert image.size == (300, 400)
    # The blue marker of the top-left corner is now at the top right.
    r, _g, b = image.getpixel((300 - 10, 10))
    assert b > 200 and r < 60
    r, _g, b = image.getpixel((10, 10))
    assert r > 150 and b < 100


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    copy = Image.open(io.BytesIO(public_copies(out.getvalue()).photo)).convert("RGB")
    assert min(copy.getpixel((10, 10))) > 240


def test_prepare_gives_the_original_its_info_and_the_copies():
    data = make_photo(latitude=BANYUWANGI[0], longitude=BANYUWANGI[1])
    original, info, copies = prepare(io.BytesIO(data))
    assert original == data
    assert info.position is not None
    assert _metadata(copies.photo)[1] == {}


def test_distances():
    a = GeoPoint(Decimal("-8.219200"), Decimal("114.369100"))
    # One thousandth of a degree of latitude is about 111 m.
    assert distance_m(a, GeoPoint(Decimal("-8.220200"), Decimal("114.369100"))) == 111
    assert distance_m(a, a) == 0
    # Banyuwangi to Surabaya, about 240 km as the crow flies.
    surabaya = GeoPoint(Decimal("-7.257500"), Decimal("112.752100"))
    assert 200_000 < distance_m(a, surabaya) < 210_000
    # A road from west to east: a point 100 m north of its middle is 100 m from it, not from a vertex.
    road = [GeoPoint(Decimal("-8.2"), Decimal("114.30")), GeoPoint(Decimal("-8.2"), Decimal("114.40"))]
    north = GeoPoint(Decimal("-8.199100"), Decimal("114.35"))
    assert distance_to_path_m(north, road) == 100
    assert distance_to_path_m(north, road[:1]) == distance_m(north, road[0])
    with pytest.raises(ValueError):
        GeoPoint(Decimal("91"), Decimal("0"))
