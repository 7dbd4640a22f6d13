"""Small born-digital PDFs drawn with reportlab, with exact control over ruling lines and page breaks.

Each table is drawn cell by cell: a cell is a rectangle of ruling lines and its text lines, so a
merged cell is one rectangle spanning several grid columns or rows, as Word/LibreOffice print it.
Vietnamese glyphs need a TrueType font: DejaVu Sans (Debian `fonts-dejavu-core`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
A4 = (595.3, 841.9)


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab; `make system-deps` installs it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    raise AssertionError("DejaVu Sans is not installed: run `make system-deps` (Debian fonts-dejavu-core)")


@dataclass
class C:
    """A cell: grid column, spans, its text lines (drawn as given, no wrapping), bold or not."""

    col: int
    lines: list[str] = field(default_factory=list)
    col_span: int = 1
    row_span: int = 1
    bold: bool = False


@dataclass
class Page:
    """One page: text lines above the table, then table rows (each a height and its cells)."""

    text: list[str] = field(default_factory=list)
    rows: list[tuple[float, list[C]]] = field(default_factory=list)
    landscape: bool = False


def build_pdf(
    path: Path, pages: list[Page], col_widths: list[float], size: float = 11, ruled: bool = True
) -> Path:
    """Draw `pages` into a PDF at `path`: text lines at the left margin, then the table (ruled unless
    `ruled=False`, as Word prints a borderless table)."""
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = register_fonts()
    canvas = Canvas(str(path), pagesize=A4)
    for number, page in enumerate(pages, start=1):
        width, height = (A4[1], A4[0]) if page.landscape else A4
        canvas.setPageSize((width, height))
        left, y = 60.0, 60.0  # top-down coordinates; reportlab's origin is bottom-left
        for line in page.text:
            canvas.setFont(regular, size)
            canvas.drawString(left, height - y - size, line)
            y += size * 1.5
        y += 6
        edges = [left]
        for w in col_widths:
            edges.append(edges[-1] + w)
        row_tops = [y]
        for row_height, _ in page.rows:
            row_tops.append(row_tops[-1] + row_height)
        for r, (_, cells) in enumerate(page.rows):
            for cell in cells:
                x0, x1 = edges[cell.col], edges[cell.col + cell.col_span]
                top, bottom = row_tops[r], row_tops[min(r + cell.row_span, len(page.rows))]
                if ruled:
                    canvas.setLineWidth(0.5)
                    canvas.rect(x0, height - bottom, x1 - x0, bottom - top)
                canvas.setFont(bold if cell.bold else regular, size)
                for i, text in enumerate(cell.lines):
                    canvas.drawString(x0 + 5, height - top - 4 - size - i * size * 1.25, text)
        canvas.setFont(regular, size)
        canvas.drawCentredString(width / 2, 25, str(number))  # page number in the bottom margin
        canvas.showPage()
    canvas.save()
    return path


def header_row(bold: bool = True) -> tuple[float, list[C]]:
    return (
        24,
        [
            C(0, ["TT"], bold=bold),
            C(1, ["Nội dung nhiệm vụ"], bold=bold),
            C(2, ["Cơ quan chủ trì"], bold=bold),
            C(3, ["Thời hạn"], bold=bold),
        ],
    )


def task_row(label: str, task: list[str], lead: list[str], when: list[str], height: float = 40) -> tuple:
    return (height, [C(0, [label]), C(1, task), C(2, lead), C(3, when)])


COLS = [30.0, 250.0, 120.0, 80.0]


def remap_text_layer(src: Path, dst: Path, remap: Callable[[str], str], font_name: str | None = None) -> Path:
    """The same pages, drawn the same, whose text layer says something else.

    Each glyph's Unicode mapping (the fonts' /ToUnicode) is rewritten by `remap`, and the fonts can be
    renamed: a PDF printed from a .VnTime document (the glyphs show Vietnamese, the text layer holds
    TCVN3 bytes), or one whose broken mapping gives private-use or nonsense characters.
    """
    import re

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(clone_from=str(src))
    done: set[int] = set()
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font or id(font) in done:
                continue
            done.add(id(font))
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")

            def rewrite(match: re.Match[str]) -> str:
                char = chr(int(match.group(2), 16))
                mapped = remap(char) if int(match.group(2), 16) else ""
                return f"<{match.group(1)}> <{mapped.encode('utf-16-be').hex().upper() or '0000'}>"

            stream = DecodedStreamObject()
            stream.set_data(re.sub(r"<([0-9A-F]{2})> <([0-9A-F]{4})>", rewrite, cmap).encode("latin-1"))
            font[NameObject("/ToUnicode")] = writer._add_object(stream)
            if font_name:
                name = NameObject(f"/AAAAAA+{font_name}")
                font[NameObject("/BaseFont")] = name
                font["/FontDescriptor"].get_object()[NameObject("/FontName")] = name
    with dst.open("wb") as f:
        writer.write(f)
    return dst
