"""Long tables drawn straight to PDF: the thousands of rows of an agency's DPA in seconds, not minutes.

WeasyPrint lays out every table cell as CSS boxes and shapes every cell's text through Pango: about 1.5 ms
a cell, 10-13 ms a six-column row, linear in the rows (issue 7 measured 69 s of CPU for the 5,325 rows of
the largest agency's DPA, target 15 s). Even a one-line ``<div>`` per row costs 1.6 ms there, so no
stylesheet makes such a table fast. This module draws a table whose shape is known in advance (fixed
column widths, text in one font family, rows never split) with the PDF text and path operators directly:
measuring a word is a sum of the font's advance widths, a page is one content stream.

It keeps the house style of ``spbe/documents.css`` so its pages sit beside WeasyPrint's in one document: A4
landscape with the same margins, the letterhead and title block on the first page, the running header
(pemda and issuer left, title right, a rule) on the others, "Halaman X dari Y" bottom right, 8.5 pt DejaVu
Sans with 0.5 pt black cell borders, the grey header row repeated on every page, bold total rows, figures
right-aligned, long words broken anywhere. A caller that needs the rest of its document (terbilang,
signature blocks) renders that part with WeasyPrint and joins the two with :func:`join_pdfs`, numbering
the pages across both (:class:`LongTable` knows its page count before it draws).

Text is written in a simple TrueType font with the WinAnsi (cp1252) encoding, embedded as a subset, so the
text can be searched and copied (and read by pypdf in the tests); a character outside cp1252 prints as
"?". The fonts are the machine's own DejaVu Sans (found through fontconfig); a machine without them
raises :class:`FontUnavailable` and the caller falls back to WeasyPrint.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

MM = 72 / 25.4
#: A4 landscape in points, the margins of ``@page landscape`` (top, right, bottom, left).
PAGE_SIZE = (297 * MM, 210 * MM)
MARGINS = (20 * MM, 18 * MM, 18 * MM, 20 * MM)
FONT_SIZE = 8.5
HEADER_FONT_SIZE = 8.0
LINE_HEIGHT = 1.35
PAD_X, PAD_Y = 1.5 * MM, 1 * MM
BORDER = 0.5
HEAD_FILL = (0.91, 0.91, 0.91)  # #e8e8e8, the stylesheet's th background
NUMBER_FILL = (0.957, 0.957, 0.957)  # #f4f4f4, the column-number row

Align = Literal["left", "right", "center"]

_FONT_FILES = {
    "regular": ("DejaVu Sans:style=Book", "DejaVuSans.ttf"),
    "bold": ("DejaVu Sans:style=Bold", "DejaVuSans-Bold.ttf"),
}
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
_SPACES = re.compile(r"\s+")


class FontUnavailable(RuntimeError):
    """The machine has no DejaVu Sans TrueType files: the caller renders with WeasyPrint instead."""


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the table's width; the shares are normalised
    align: Align = "left"


@dataclass(frozen=True)
class Cell:
    """One cell: ``text`` (bold when ``bold``) followed by ``tail`` in the regular weight."""

    text: str
    span: int = 1
    bold: bool = False
    align: Align | None = None  # None: the column's
    tail: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    total: bool = False  # a total row: every cell bold, as ``tr.total`` in the stylesheet


@dataclass(frozen=True)
class Frame:
    """What surrounds the table: the first page's letterhead and title block, the running header."""

    pemda_name: str
    title: str
    issuer: str = ""
    subtitle: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    page_label: str = "Halaman %(page)d dari %(pages)d"


# --- fonts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Font:
    key: str  # the resource name in the page's font dictionary
    base_name: str
    data: bytes
    widths: tuple[float, ...]  # advance of each cp1252 code, in 1/1000 em
    ascent: float
    descent: float
    cap_height: float
    bbox: tuple[int, int, int, int]

    def width(self, text: str, size: float) -> float:
        widths = self.widths
        return sum(widths[b] for b in encode(text)) * size / 1000


def encode(text: str) -> bytes:
    """``text`` in cp1252, a character it lacks as ``?``."""
    return text.encode("cp1252", errors="replace")


def _pdf_string(text: str) -> bytes:
    data = encode(text)
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _font_path(pattern: str, filename: str) -> Path:
    try:
        found = subprocess.run(  # noqa: S603 - a fixed command, no user input
            ["fc-match", "-f", "%{file}", pattern],  # noqa: S607 - fontconfig's own tool, from PATH
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and Path(found).name == filename and Path(found).is_file():
        return Path(found)
    for folder in _FONT_DIRS:
        candidate = Path(folder) / filename
        if candidate.is_file():
            return candidate
    raise FontUnavailable(f"no {filename} on this machine")


@functools.cache
def _fonts() -> dict[str, _Font]:
    """DejaVu Sans regular and bold, subset to cp1252, once per process (a few hundred ms)."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    chars = sorted(
        {ord(c) for c in bytes(range(32, 256)).decode("cp1252", errors="ignore") if c.isprintable()} | {32}
    )
    fonts = {}
    for index, (weight, (pattern, filename)) in enumerate(_FONT_FILES.items(), start=1):
        font = TTFont(str(_font_path(pattern, filename)))
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a PDF reader uses
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        widths = []
        for code in range(256):
            char = bytes([code]).decode("cp1252", errors="replace")
            glyph = cmap.get(ord(char)) or cmap.get(ord("?"))
            widths.append(round(metrics[glyph][0] * scale, 1) if glyph else 0.0)
        head, hhea = font["head"], font["hhea"]
        os2 = font["OS/2"]
        fonts[weight] = _Font(
            key=f"F{index}",
            base_name=f"SPBE{'ABCDEF'[index]}+{Path(filename).stem.replace('-', '')}",
            data=buffer.getvalue(),
            widths=tuple(widths),
            ascent=hhea.ascent * scale,
            descent=hhea.descent * scale,
            cap_height=getattr(os2, "sCapHeight", 0) * scale or hhea.ascent * scale * 0.7,
            bbox=(
                round(head.xMin * scale),
                round(head.yMin * scale),
                round(head.xMax * scale),
                round(head.yMax * scale),
            ),
        )
    return fonts


def available() -> bool:
    """Whether the fonts are on this machine (the caller's choice between this and WeasyPrint)."""
    try:
        _fonts()
    except FontUnavailable:
        return False
    return True


# --- layout --------------------------------------------------------------------------------------------


def wrap(runs: Sequence[tuple[str, bool]], width: float, size: float) -> list[list[tuple[str, bool]]]:
    """Break ``runs`` ((text, bold) pieces) into lines no wider than ``width``: at spaces, and inside a
    word too long for a line (``overflow-wrap: anywhere``)."""
    fonts = _fonts()
    space = {bold: fonts["bold" if bold else "regular"].width(" ", size) for bold in (False, True)}
    lines: list[list[tuple[str, bool]]] = [[]]
    used = 0.0
    for text, bold in runs:
        font = fonts["bold" if bold else "regular"]
        for word in _SPACES.sub(" ", text).split(" "):
            if not word:
                continue
            gap = space[bold] if lines[-1] else 0.0
            measured = font.width(word, size)
            if used + gap + measured <= width:
                lines[-1].append((word, bold))
                used += gap + measured
                continue
            if lines[-1]:
                lines.append([])
                used = 0.0
            while font.width(word, size) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and font.width(word[:cut], size) > width:
                    cut -= 1
                lines[-1].append((word[:cut], bold))
                lines.append([])
                word = word[cut:]
            lines[-1].append((word, bold))
            used = font.width(word, size)
    return lines


@dataclass
class _Placed:
    """A row laid out: each cell's x, width, lines and alignment, and the row's height."""

    cells: list[tuple[float, float, list[list[tuple[str, bool]]], Align]]
    height: float
    total: bool = False
    fill: tuple[float, float, float] | None = None
    size: float = FONT_SIZE


@dataclass
class _Page:
    rows: list[_Placed] = field(default_factory=list)
    top: float = 0.0  # where the table starts (PDF coordinates, from the bottom)


class LongTable:
    """A table of ``rows`` under ``columns`` in ``frame``, paginated on construction (``page_count``),
    drawn by :meth:`pdf` with page numbers counted from ``first_page`` out of ``total_pages``."""

    def __init__(self, frame: Frame, columns: Sequence[Column], rows: Iterable[Row]) -> None:
        self.frame = frame
        self.fonts = _fonts()
        width, height = PAGE_SIZE
        top, right, bottom, left = MARGINS
        self.left, self.width = left, width - left - right
        self.bottom, self.top = bottom, height - top
        share = sum(c.width for c in columns)
        self.columns = list(columns)
        self.edges = [left]
        for column in columns:
            self.edges.append(self.edges[-1] + self.width * column.width / share)
        self.head = [
            self._place(Row(tuple(Cell(c.title, align="center") for c in columns), total=True), HEAD_FILL),
            self._place(
                Row(tuple(Cell(str(n), align="center") for n in range(1, len(columns) + 1))),
                NUMBER_FILL,
                size=7.0,
            ),
        ]
        self.pages = self._paginate(rows)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def _place(
        self, row: Row, fill: tuple[float, float, float] | None = None, size: float = FONT_SIZE
    ) -> _Placed:
        cells = []
        lines_max = 1
        index = 0
        for cell in row.cells:
            end = min(len(self.columns), index + cell.span)
            x, right = self.edges[index], self.edges[end]
            runs = [(cell.text, cell.bold or row.total)]
            if cell.tail:
                runs.append((cell.tail, row.total))
            lines = wrap(runs, right - x - 2 * PAD_X, size)
            lines_max = max(lines_max, len(lines))
            cells.append((x, right - x, lines, cell.align or self.columns[index].align))
            index = end
        height = lines_max * size * LINE_HEIGHT + 2 * PAD_Y
        return _Placed(cells, height, row.total, fill, size)

    def _first_page_top(self) -> float:
        """Below the letterhead, the title block and the facts (drawn by :meth:`_draw_first_page`)."""
        return self._draw_first_page(None)

    def _paginate(self, rows: Iterable[Row]) -> list[_Page]:
        head_height = sum(p.height for p in self.head)
        pages = [_Page(top=self._first_page_top())]
        room = pages[0].top - self.bottom - head_height
        for row in rows:
            placed = self._place(row)
            if placed.height > room and pages[-1].rows:
                pages.append(_Page(top=self.top))
                room = self.top - self.bottom - head_height
            pages[-1].rows.append(placed)
            room -= placed.height
        return pages

    # --- drawing -----------------------------------------------------------------------------------------

    def _text(self, out: list[bytes], x: float, y: float, text: str, bold: bool, size: float) -> None:
        font = self.fonts["bold" if bold else "regular"]
        out.append(
            b"BT /%s %.2f Tf %.2f %.2f Td %s Tj ET" % (font.key.encode(), size, x, y, _pdf_string(text))
        )

    def _line_text(
        self,
        out: list[bytes],
        x: float,
        width: float,
        y: float,
        line: list[tuple[str, bool]],
        align: str,
        size: float,
    ) -> None:
        """One line of (word, bold) pieces in the box [x, x + width] at baseline y."""
        pieces: list[tuple[str, bool]] = []
        for word, bold in line:  # words of one weight go out as one string
            if pieces and pieces[-1][1] == bold:
                pieces[-1] = (pieces[-1][0] + " " + word, bold)
            else:
                pieces.append((word if not pieces else " " + word, bold))
        widths = [self.fonts["bold" if b else "regular"].width(t, size) for t, b in pieces]
        total = sum(widths)
        start = x if align == "left" else x + width - total if align == "right" else x + (width - total) / 2
        for (text, bold), measured in zip(pieces, widths, strict=True):
            self._text(out, start, y, text, bold, size)
            start += measured

    def _draw_row(self, out: list[bytes], paths: list[bytes], row: _Placed, y_top: float) -> float:
        y_bottom = y_top - row.height
        if row.fill:
            out.append(
                b"%.3f %.3f %.3f rg %.2f %.2f %.2f %.2f re f 0 g"
                % (*row.fill, self.left, y_bottom, self.width, row.height)
            )
        font = self.fonts["regular"]
        ascent, descent = font.ascent * row.size / 1000, -font.descent * row.size / 1000
        leading = row.size * LINE_HEIGHT
        # The first baseline: half the leading's room over the font's content area, as CSS line boxes do.
        first = y_top - PAD_Y - (leading - ascent - descent) / 2 - ascent
        for x, width, lines, align in row.cells:
            for n, line in enumerate(lines):
                if line:
                    self._line_text(
                        out, x + PAD_X, width - 2 * PAD_X, first - n * leading, line, align, row.size
                    )
            paths.append(b"%.2f %.2f m %.2f %.2f l" % (x, y_top, x, y_bottom))
        right = self.left + self.width
        paths.append(b"%.2f %.2f m %.2f %.2f l" % (right, y_top, right, y_bottom))
        paths.append(b"%.2f %.2f m %.2f %.2f l" % (self.left, y_bottom, right, y_bottom))
        return y_bottom

    def _draw_first_page(self, out: list[bytes] | None) -> float:
        """The letterhead, title block and facts; returns where the table starts. With ``out`` None it
        only measures (the pagination needs the first page's room before anything is drawn)."""
        sink: list[bytes] = out if out is not None else []
        frame = self.frame
        y = self.top
        for text, size in ((frame.pemda_name.upper(), 13.0), (frame.issuer.upper(), 11.0)):
            if text:
                for line in wrap([(text, True)], self.width, size):
                    y -= size * LINE_HEIGHT
                    self._line_text(sink, self.left, self.width, y + size * 0.3, line, "center", size)
        y -= 2 * MM
        # The double rule of the letterhead (2pt double: two 0.67pt lines).
        sink.append(
            b"0.67 w %.2f %.2f m %.2f %.2f l S %.2f %.2f m %.2f %.2f l S"
            % (self.left, y, self.left + self.width, y, self.left, y - 1.33, self.left + self.width, y - 1.33)
        )
        y -= 2 + 5 * MM
        for line in wrap([(frame.title.upper(), True)], self.width, 12.0):
            y -= 12.0 * LINE_HEIGHT
            self._line_text(sink, self.left, self.width, y + 12.0 * 0.3, line, "center", 12.0)
        y -= 1 * MM
        if frame.subtitle:
            for line in wrap([(frame.subtitle, False)], self.width, 9.5):
                y -= 9.5 * LINE_HEIGHT
                self._line_text(sink, self.left, self.width, y + 9.5 * 0.3, line, "center", 9.5)
        y -= 5 * MM
        for label, value in frame.facts:
            lines = wrap([(value, False)], self.width - 47 * MM, 9.5)
            y -= 9.5 * LINE_HEIGHT
            self._text(sink, self.left, y + 9.5 * 0.3, label, False, 9.5)
            for n, line in enumerate(lines):
                if n:
                    y -= 9.5 * LINE_HEIGHT
                self._line_text(
                    sink, self.left + 47 * MM, self.width - 47 * MM, y + 9.5 * 0.3, line, "left", 9.5
                )
            y -= 0.5 * MM
        return y - 4 * MM

    def _draw_frame(self, out: list[bytes], number: int, total: int) -> None:
        """The running header (not on the first page) and the footer with the page number."""
        frame = self.frame
        if number > 1:
            y = self.top + 3 * MM
            left_text = frame.pemda_name + (f" · {frame.issuer}" if frame.issuer else "")
            self._text(out, self.left, y + 2, left_text, False, HEADER_FONT_SIZE)
            title_width = self.fonts["regular"].width(frame.title, HEADER_FONT_SIZE)
            self._text(out, self.left + self.width - title_width, y + 2, frame.title, False, HEADER_FONT_SIZE)
            out.append(
                b"0.6 G 0.5 w %.2f %.2f m %.2f %.2f l S 0 G"
                % (self.left, y - 1, self.left + self.width, y - 1)
            )
        label = frame.page_label % {"page": number, "pages": total}
        width = self.fonts["regular"].width(label, HEADER_FONT_SIZE)
        self._text(
            out,
            self.left + self.width - width,
            self.bottom - 3 * MM - HEADER_FONT_SIZE,
            label,
            False,
            HEADER_FONT_SIZE,
        )

    def pdf(
        self, *, first_page: int = 1, total_pages: int | None = None, title: str = "", author: str = ""
    ) -> bytes:
        import pydyf  # type: ignore[import-untyped]

        total = total_pages or first_page + self.page_count - 1
        document = pydyf.PDF()
        fonts = {}
        for font in self.fonts.values():
            program = pydyf.Stream([font.data], {"Length1": len(font.data)}, compress=True)
            document.add_object(program)
            descriptor = pydyf.Dictionary(
                {
                    "Type": "/FontDescriptor",
                    "FontName": "/" + font.base_name,
                    "Flags": 32,
                    "FontBBox": pydyf.Array(font.bbox),
                    "ItalicAngle": 0,
                    "Ascent": round(font.ascent),
                    "Descent": round(font.descent),
                    "CapHeight": round(font.cap_height),
                    "StemV": 80,
                    "FontFile2": program.reference,
                }
            )
            document.add_object(descriptor)
            entry = pydyf.Dictionary(
                {
                    "Type": "/Font",
                    "Subtype": "/TrueType",
                    "BaseFont": "/" + font.base_name,
                    "FirstChar": 32,
                    "LastChar": 255,
                    "Widths": pydyf.Array(font.widths[32:]),
                    "Encoding": "/WinAnsiEncoding",
                    "FontDescriptor": descriptor.reference,
                }
            )
            document.add_object(entry)
            fonts[font.key] = entry.reference
        resources = pydyf.Dictionary({"Font": pydyf.Dictionary(fonts)})
        document.add_object(resources)
        width, height = PAGE_SIZE
        for index, page in enumerate(self.pages):
            out: list[bytes] = []
            paths: list[bytes] = []
            if index == 0:
                self._draw_first_page(out)
            self._draw_frame(out, first_page + index, total)
            y = page.top
            for head in self.head:
                y = self._draw_row(out, paths, head, y)
            paths.append(b"%.2f %.2f m %.2f %.2f l" % (self.left, page.top, self.left + self.width, page.top))
            for row in page.rows:
                y = self._draw_row(out, paths, row, y)
            content = b"\n".join([*out, b"%.2f w 0 G" % BORDER, *paths, b"S"])
            stream = pydyf.Stream([content], compress=True)
            document.add_object(stream)
            document.add_page(
                pydyf.Dictionary(
                    {
                        "Type": "/Page",
                        "Parent": document.pages.reference,
                        "MediaBox": pydyf.Array([0, 0, round(width, 2), round(height, 2)]),
                        "Contents": stream.reference,
                        "Resources": resources.reference,
                    }
                )
            )
        if title:
            document.info["Title"] = pydyf.String(title)
        if author:
            document.info["Author"] = pydyf.String(author)
        document.info["Producer"] = pydyf.String("OpenSPBE")
        output = io.BytesIO()
        document.write(output, compress=True)
        return output.getvalue()


def join_pdfs(parts: Sequence[bytes], *, metadata: dict[str, Any] | None = None) -> bytes:
    """The pages of ``parts`` one after the other, as one PDF (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    if metadata:
        writer.add_metadata(metadata)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
