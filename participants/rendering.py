"""Certificates drawn from one layout: a PNG (Pillow) and a PDF whose words are real text (fpdf2).

The page is A4 landscape, measured in pixels at RENDER_DPI (1754 × 1240). ``layout`` places every
word, rule and picture once; ``render_png`` paints that with Pillow and ``render_pdf`` writes it
as a vector PDF: every word is text in the embedded, subset CJK font (settings.CERTIFICATE_FONT
and CERTIFICATE_BOLD_FONT, Debian's fonts-noto-cjk by default), so it can be selected, searched
and copied, and the QR code is drawn as vector squares. Widths are measured with HarfBuzz from the
font's own advances, without kerning or ligatures, which is how both renderings draw the
letters. A character the font has no glyph for is drawn as □ in both.

Every completed task is listed in full, whatever its title and however many there are
(``lay_out_works``): titles wrap with a hanging indent, the type shrinks in steps, two columns
balanced by height are used when one does not fit, then the header gets compact and the type
shrinks on down to MIN_WORK_SIZE; only when even that does not fit does the list go on over more
pages (the PDF's next pages; the PNG gets taller, its pages one under the other). Each page
carries the footer (serial, date, address, QR code, "Page 1 of 2") and a revoked certificate's
stamp. A name too long for two lines at the smallest size, or an edition or track name too long
for its line, still ends with an ellipsis.

The words are those of the active language; callers that cache a rendering key it by language.
"""

import datetime
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import qrcode
import uharfbuzz as hb
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from tracks.choices import TrackKind

RENDER_DPI = 150
PT = 72 / RENDER_DPI  # PDF points per pixel
# A4 landscape (297 × 210 mm) at RENDER_DPI.
WIDTH, HEIGHT = 1754, 1240
FRAME = 40  # the outer border's distance from the edge
PADDING = 130  # where the text may start, from the edge
QR_SIZE = 190
FOOTER = HEIGHT - PADDING - QR_SIZE + 20  # the top of the footer: serial, date, address, QR code
WORKS_BOTTOM = FOOTER - 24  # the list of works ends above the footer's rule
LEFT, RIGHT = PADDING, WIDTH - PADDING  # the list of works' edges
GUTTER = 60  # between two columns of works
# The sizes of the works' type, largest first; the last is the smallest still easy to read
# (18 px at 150 dpi is 8.6 pt, the size of a footnote).
WORK_SIZES = (30, 28, 26, 24, 22, 20, 18)
MIN_WORK_SIZE = WORK_SIZES[-1]
COMPACT = 0.65  # the header's scale when the works need its room
BULLET = "• "
MISSING = "□"  # drawn for a character the font has no glyph for

INK = (28, 36, 48)
MUTED = (86, 96, 112)
ACCENT = (31, 79, 191)
GOLD = (176, 138, 46)
REVOKED = (185, 28, 28)
PAPER = (255, 255, 255)
TINT = (247, 249, 253)
RULE = (221, 226, 232)
STAMP_ALPHA = 70  # of 255

# The PNG's text without kerning and ligatures, as the PDF draws it: both put every letter at the
# same place, the advances HarfBuzz reads from the font.
UNSHAPED = ["-kern", "-liga"]

# Unicode categories drawn as a space: control characters, line and paragraph separators.
BREAKS = {"Cc", "Zl", "Zp"}


# Fonts ------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _face_index(path):
    """The index of the Simplified Chinese face in a font collection (.ttc), else 0."""
    index = 0
    while True:
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            return 0
        if family.endswith(" SC"):
            return index
        index += 1


def font_path(bold=False):
    """The configured font file; a clear error when it is not installed."""
    name = "CERTIFICATE_BOLD_FONT" if bold else "CERTIFICATE_FONT"
    path = getattr(settings, name)
    if not os.path.isfile(path):
        raise ImproperlyConfigured(
            f"{name}: the font file {path!r} does not exist. Install Debian's fonts-noto-cjk "
            f"(apt-get install fonts-noto-cjk) or point {name} at a font with Chinese glyphs."
        )
    return path


@lru_cache(maxsize=64)
def _font(path, size):
    return ImageFont.truetype(path, size, index=_face_index(path))


def get_font(size, bold=False):
    """Pillow's font at ``size`` pixels, for drawing the PNG."""
    return _font(font_path(bold), size)


class Typeface:
    """One face of the font, read with HarfBuzz (the file is mapped, not copied): its glyphs'
    advances for measuring, and subsets of it for the PDF."""

    def __init__(self, path):
        self.face = hb.Face(hb.Blob.from_file_path(path), _face_index(path))
        self._font = hb.Font(self.face)
        self.upem = self.face.upem
        self._glyphs = {}
        self._advances = {}

    def glyph(self, char):
        """The glyph of ``char`` (0, .notdef, when the face has none)."""
        try:
            return self._glyphs[char]
        except KeyError:
            glyph = self._glyphs[char] = self._font.get_nominal_glyph(ord(char)) or 0
            return glyph

    def advance(self, char):
        """``char``'s advance width in font units."""
        try:
            return self._advances[char]
        except KeyError:
            advance = self._advances[char] = self._font.get_glyph_h_advance(self.glyph(char))
            return advance

    def subset(self, text):
        """An OpenType font with the glyphs of ``text`` only (a few kB out of a 19 MB collection;
        HarfBuzz takes milliseconds where fontTools takes a second)."""
        plan = hb.SubsetInput()
        plan.sets(hb.SubsetInputSets.UNICODE).update(ord(char) for char in set(text))
        unused = plan.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
        for tag in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx", "DSIG"):
            unused.add(int.from_bytes(tag.encode("ascii"), "big"))
        # Outlines without subroutines: fpdf2 (fontTools) walks each glyph again, faster without
        # calls to follow (a certificate's PDF in 0.13 s instead of 0.2 s), for no larger a file.
        plan.flags = hb.SubsetFlags.DESUBROUTINIZE
        return hb.subset(self.face, plan).blob.data


@lru_cache(maxsize=4)
def _typeface(path):
    return Typeface(path)


def typeface(bold=False):
    return _typeface(font_path(bold))


@dataclass(frozen=True)
class Type:
    """A typeface at a size in pixels: what the layout measures text with."""

    face: Typeface
    size: int

    def char(self, char):
        return self.face.advance(char) * self.size / self.face.upem

    def getlength(self, text):
        return sum(map(self.face.advance, text)) * self.size / self.face.upem


def get_type(size, bold=False):
    return Type(typeface(bold), size)


# Text -------------------------------------------------------------------------------------------


def one_line(text):
    """``text`` as one line: line breaks (a quoted CSV cell, Excel's Alt+Enter), tabs and other
    control characters become single spaces. The text layout engine (raqm) refuses to measure a
    line with a line break in it."""
    return " ".join(
        "".join(" " if unicodedata.category(char) in BREAKS else char for char in text).split()
    )


def drawable(text, bold=False):
    """``text`` as one line that both renderings draw alike: a character the font has no glyph
    for is □ (Pillow would draw a box and fpdf2 nothing), an invisible format character the font
    lacks (a zero-width joiner, a byte order mark) is left out."""
    face = typeface(bold)
    chars = []
    for char in one_line(text):
        if char == " " or face.glyph(char):
            chars.append(char)
        elif unicodedata.category(char) != "Cf":
            chars.append(MISSING)
    return "".join(chars)


EPSILON = 1e-6  # widths added up one character at a time, compared with a width measured whole


def _is_wide(char):
    return ord(char) >= 0x2E80


def wrap(text, font, width, indent=0):
    """Lines of ``text`` no wider than ``width`` (the lines after the first: ``width - indent``).
    A line breaks at a space (dropped) or after a slash in Latin text (API names such as
    ``max_pool1d/max_pool2d``), anywhere next to a Chinese character, and inside a word only
    when the word is wider than a line. ``font`` is a Type."""
    text = one_line(text)
    lines, line, used, limit = [], "", 0.0, width
    last_break = None  # (where this line would end, where the next would start)
    for char in text:
        advance = font.char(char)
        if line and used + advance > limit + EPSILON:
            inside_a_word = char != " " and not _is_wide(char) and not _is_wide(line[-1])
            carried = last_break and line[last_break[1] :] + char
            if inside_a_word and carried and font.getlength(carried) <= width - indent + EPSILON:
                end, start = last_break  # the word goes on the next line
            else:
                end = start = len(line)
            lines.append(line[:end].rstrip())
            line = line[start:].lstrip()
            used, limit, last_break = font.getlength(line), width - indent, None
        if not line:
            if char != " ":
                line, used = char, advance
            continue
        if char == " ":
            last_break = (len(line), len(line) + 1)
        elif line[-1] == "/" or _is_wide(char) or _is_wide(line[-1]):
            last_break = (len(line), len(line))
        line += char
        used += advance
    if line.strip():
        lines.append(line.rstrip())
    return lines


def ellipsize(text, font, width):
    """``text``, cut with an ellipsis to be no wider than ``width``."""
    text = one_line(text)
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit(text, width, sizes, max_lines, bold=False):
    """(size, lines): the largest of ``sizes`` at which ``text`` fits in ``max_lines`` lines of
    ``width``; at the smallest, the last line is cut with an ellipsis."""
    text = drawable(text, bold)
    for size in sizes:
        font = get_type(size, bold)
        lines = wrap(text, font, width)
        if len(lines) <= max_lines:
            return size, lines
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + "".join(lines[max_lines:]), font, width)
    return size, kept


# The layout -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A line of text: ``x`` its left edge (its centre when ``centred``), ``y`` the top of the
    line (the font's ascender), in pixels on its page."""

    what: str
    x: float
    y: float
    text: str
    size: int
    bold: bool = False
    colour: tuple = INK
    centred: bool = False


@dataclass(frozen=True)
class Rule:
    what: str
    x0: float
    y0: float
    x1: float
    y1: float
    colour: tuple
    width: int


@dataclass(frozen=True)
class QR:
    """The QR code of ``url`` on a white square of QR_SIZE, its top-left at (x, y)."""

    what: str
    x: int
    y: int
    url: str


@dataclass(frozen=True)
class Placement:
    """Where a certified work is written: its index in the list, the page and column, the top
    left of its first line (the bullet's), its height and its lines. The lines after the first
    start ``indent`` further right, under the code. A work too tall for a whole column (a title
    of hundreds of characters) goes on in the next column; ``part`` counts its pieces."""

    index: int
    page: int
    column: int
    x: int
    y: int
    height: int
    lines: tuple
    size: int
    indent: float
    part: int = 0


@dataclass(frozen=True)
class WorksLayout:
    """The works' placements, and the size and number of columns they were set in."""

    size: int
    columns: int
    placements: tuple

    @property
    def pages(self):
        return 1 + max((placement.page for placement in self.placements), default=0)

    def column_heights(self, page=0):
        """{column: its height in pixels} on ``page``, from its first line's top to its last's
        bottom."""
        heights = {}
        for placement in self.placements:
            if placement.page == page:
                bottom = placement.y + placement.height
                top, _ = heights.get(placement.column, (placement.y, bottom))
                heights[placement.column] = (min(top, placement.y), bottom)
        return {column: bottom - top for column, (top, bottom) in heights.items()}


def line_step(size):
    return round(size * 1.4)


def entry_gap(size):
    return round(size * 0.3)


def _column_width(columns):
    return (RIGHT - LEFT - GUTTER * (columns - 1)) // columns


def wrap_work(text, size, width):
    """A work's lines at ``size`` in a column of ``width``: the bullet, then the code and title
    wrapped under the code. Returns (lines, indent)."""
    font = get_type(size)
    indent = font.getlength(BULLET)
    return wrap(BULLET + text, font, width, indent), indent


def _height(count, size):
    return count * line_step(size)


def _balanced_split(heights, gap):
    """Where the second column starts so that the taller column is as short as it can be (the
    left one taller when both ways are equal)."""
    total = sum(heights) + gap * (len(heights) - 1)
    best, best_split = None, len(heights)
    left = 0
    for split in range(1, len(heights) + 1):
        left += heights[split - 1] + (gap if split > 1 else 0)
        right = total - left - gap if split < len(heights) else 0
        key = (max(left, right), right > left)
        if best is None or key < best:
            best, best_split = key, split
    return best_split


def place_works(texts, areas, size, columns, max_pages=None):
    """The placements of works (``texts``, one line each, without the bullet) set at ``size`` in
    ``columns``, in ``areas``: [(top, bottom)] of the pages' lists, the last one repeated for any
    further page. One page's columns are balanced by height; over more pages, each page but the
    last is filled column by column and the last is balanced. Returns a WorksLayout, or None
    when they need more than ``max_pages``."""
    width = _column_width(columns)
    step, gap = line_step(size), entry_gap(size)
    pieces = []  # (index, lines, indent, part)
    for index, text in enumerate(texts):
        lines, indent = wrap_work(text, size, width)
        pieces.append((index, tuple(lines), indent, 0))
    placements = []
    page = 0
    while pieces:
        top, bottom = areas[min(page, len(areas) - 1)]
        room = bottom - top
        heights = [_height(len(lines), size) for _, lines, _, _ in pieces]
        split = len(pieces) if columns == 1 else _balanced_split(heights, gap)
        fits = all(
            sum(part) + gap * (len(part) - 1) <= room
            for part in (heights[:split], heights[split:])
            if part
        )
        if fits:
            groups = [pieces[:split], pieces[split:]]
            pieces = []
        else:
            groups = []
            for _column in range(columns):
                group, used = [], 0
                while pieces:
                    index, lines, indent, part = pieces[0]
                    need = _height(len(lines), size) + (gap if group else 0)
                    if used + need <= room:
                        group.append(pieces.pop(0))
                        used += need
                        continue
                    # A work taller than a whole column is cut where the column ends.
                    if _height(len(lines), size) > room:
                        count = (room - used - (gap if group else 0)) // step
                        if count > 0 or not group:
                            count = max(count, 1)
                            group.append((index, lines[:count], indent, part))
                            pieces[0] = (index, lines[count:], indent, part + 1)
                    break
                groups.append(group)
        for column, group in enumerate(groups):
            y = top
            for index, lines, indent, part in group:
                height = _height(len(lines), size)
                placements.append(
                    Placement(
                        index=index,
                        page=page,
                        column=column,
                        x=LEFT + column * (width + GUTTER),
                        y=y,
                        height=height,
                        lines=lines,
                        size=size,
                        indent=indent,
                        part=part,
                    )
                )
                y += height + gap
        page += 1
        if pieces and max_pages and page >= max_pages:
            return None
    return WorksLayout(size=size, columns=columns, placements=tuple(placements))


def lay_out_works(texts, first, following):
    """The works in the first of these that fits on one page: under the full header (``first``:
    {header scale: (top, bottom)}) at each of the larger sizes, one column then two; then under
    the compact header at the smaller sizes (the list never outgrows the header's words); else
    over several pages in two columns at the smallest size. Returns (header scale, WorksLayout)."""
    candidates = [(1, size, columns) for size in WORK_SIZES[:5] for columns in (1, 2)]
    candidates += [(COMPACT, size, columns) for size in WORK_SIZES[3:] for columns in (1, 2)]
    for scale, size, columns in candidates:
        works = place_works(texts, [first[scale]], size, columns, max_pages=1)
        if works:
            return scale, works
    return COMPACT, place_works(texts, [first[COMPACT], following], MIN_WORK_SIZE, 2)


def work_line(work):
    parts = [work.batch, work.code, work.title]
    line = " ".join(part for part in parts if part)
    if work.grade_label:
        line += " · " + work.grade_label
    return line


def wording(certificate):
    """(title, line before the name, line after it): a camp graduate's certificate (结营证书)
    says so; the others certify completed tasks (结项证书)."""
    track = certificate.track
    if track.kind == TrackKind.CAMP:
        return (
            _("Certificate of graduation"),
            _("This certifies that"),
            _("graduated as a camper of %(track)s with the project below:")
            % {"track": track.local_name},
        )
    return (
        _("Certificate of completion"),
        _("This certifies that"),
        _("completed the tasks below in %(track)s:") % {"track": track.local_name},
    )


def verification_url(certificate):
    return settings.SITE_URL + certificate.get_absolute_url()


def png_url(certificate):
    """The address of the certificate's picture, for the API and link previews."""
    return settings.SITE_URL + reverse("certificate_png", args=[certificate.serial])


def _centred(items, what, y, lines, size, bold=False, colour=INK, leading=1.25):
    """Lines centred on the page from ``y``; returns the y below them."""
    for line in lines:
        items.append(Text(what, WIDTH // 2, y, line, size, bold, colour, centred=True))
        y += round(size * leading)
    return y


def _header(certificate, honour, scale):
    """The first page's header at ``scale`` (1, or COMPACT when the works need its room):
    (items, the y below it)."""
    items = []
    person = certificate.participant
    width = WIDTH - 2 * PADDING
    title, before, after = wording(certificate)

    def sizes(*values):
        return tuple(round(value * scale) for value in values)

    y = round(110 * scale)
    size, lines = fit(certificate.track.edition.local_name, width, sizes(34, 30, 26), 1)
    y = _centred(items, "edition", y, lines, size, colour=MUTED)
    size, lines = fit(title, width, sizes(76, 64, 52), 1, bold=True)
    y = _centred(items, "title", y + round(10 * scale), lines, size, True, ACCENT)
    # Below the descenders of a Latin title (a quarter of its size under the line's bottom).
    rule_y = y + round(22 * scale)
    items.append(Rule("rule", WIDTH // 2 - 120, rule_y, WIDTH // 2 + 120, rule_y, GOLD, 3))
    (size,) = sizes(28)
    y = _centred(items, "before", y + round(42 * scale), [drawable(before)], size, colour=MUTED)
    size, lines = fit(person.display_name, width, sizes(64, 56, 48, 40, 34), 2, bold=True)
    y = _centred(items, "name", y + round(6 * scale), lines, size, True)
    (size,) = sizes(28)
    y = _centred(items, "login", y, [drawable(f"@{person.login}")], size, colour=MUTED)
    if honour:
        size, lines = fit(f"★ {honour} ★", width, sizes(34, 30, 26), 1, bold=True)
        y = _centred(items, "honour", y + round(8 * scale), lines, size, True, GOLD)
    size, lines = fit(after, width, sizes(30, 27, 24), 2)
    y = _centred(items, "after", y + round(14 * scale), lines, size)
    return items, y + 18


def _continued_header(certificate):
    """The header of the pages after the first: the edition, the title and whose it is."""
    items = []
    width = WIDTH - 2 * PADDING
    person = certificate.participant
    size, lines = fit(certificate.track.edition.local_name, width, (26, 22), 1)
    y = _centred(items, "edition", 90, lines, size, colour=MUTED)
    size, lines = fit(wording(certificate)[0], width, (48, 40), 1, bold=True)
    y = _centred(items, "title", y + 6, lines, size, True, ACCENT)
    login = " " + drawable(f"@{person.login}", bold=True)
    for size in (32, 28, 24):  # the name, shortened if it must be, then the login
        font = get_type(size, bold=True)
        name = drawable(person.display_name, bold=True)
        if font.getlength(name + login) <= width:
            break
    name = ellipsize(name, font, width - font.getlength(login))
    y = _centred(items, "name", y + 8, [name + login], size, True)
    return items, y + 24


def _footer(certificate, page, pages):
    """The rule, the QR code and the lines of the footer on every page."""
    url = verification_url(certificate)
    items = [
        Rule("rule", PADDING, FOOTER - 8, WIDTH - PADDING, FOOTER - 8, RULE, 2),
        QR("qr", WIDTH - PADDING - QR_SIZE + 40, FOOTER + 4, url),
    ]
    font = get_type(24)
    text_width = WIDTH - 2 * PADDING - QR_SIZE
    rows = [
        (_("Serial: %(serial)s") % {"serial": certificate.serial}, INK),
        (_("Issued on %(date)s") % {"date": certificate.issued_on.isoformat()}, INK),
    ]
    # Validity is not printed on a valid certificate: a copy would say "valid" after a
    # revocation. The verification address (and the QR code) says it, live. A revoked one is
    # drawn with the stamp and the reason.
    if not certificate.is_valid:
        reason = _("Revoked on %(date)s: %(reason)s") % {
            "date": timezone.localdate(certificate.revoked_at).isoformat(),
            "reason": certificate.revocation_reason,
        }
        rows.append((reason, REVOKED))
    rows.append((_("Verify at %(url)s") % {"url": url}, ACCENT))
    if pages > 1:
        rows.append((_("Page %(page)d of %(pages)d") % {"page": page + 1, "pages": pages}, MUTED))
    y = FOOTER + 6
    for text, colour in rows:
        line = ellipsize(drawable(text), font, text_width)
        items.append(Text("footer", PADDING, y, line, 24, colour=colour))
        y += 38
    return items


@dataclass
class Layout:
    """Everything a certificate shows, placed: ``pages`` of items (Text, Rule, QR) in drawing
    order, the works' WorksLayout, and whether the revoked stamp goes on every page."""

    pages: list
    works: WorksLayout
    revoked: bool
    compact: bool


def layout(certificate, works, honour=""):
    """The certificate laid out (a Layout).

    ``certificate`` comes with its participant and track__edition; ``works`` is its list of
    CertifiedWork (participants.certificates.certified_works); ``honour`` the edition's honour
    when its holder receives it (participants.certificates.honour_of).
    """
    headers = {scale: _header(certificate, honour, scale) for scale in (1, COMPACT)}
    continued, continued_top = _continued_header(certificate)
    texts = [drawable(work_line(work)) for work in works]
    first = {scale: (top, WORKS_BOTTOM) for scale, (_items, top) in headers.items()}
    scale, placed = lay_out_works(texts, first, (continued_top, WORKS_BOTTOM))
    pages = []
    for page in range(placed.pages):
        items = list(headers[scale][0] if page == 0 else continued)
        for placement in placed.placements:
            if placement.page != page:
                continue
            step = line_step(placement.size)
            for number, line in enumerate(placement.lines):
                indented = number > 0 or placement.part > 0
                x = placement.x + (placement.indent if indented else 0)
                items.append(Text("work", x, placement.y + number * step, line, placement.size))
        items += _footer(certificate, page, placed.pages)
        pages.append(items)
    return Layout(pages=pages, works=placed, revoked=not certificate.is_valid, compact=scale != 1)


# The PNG ----------------------------------------------------------------------------------------


def qr_code(url):
    """(rows of modules with the quiet zone, the size of a module in pixels, the offset of the
    code in its QR_SIZE square): every module the same whole number of pixels, so that phones
    read it."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    box = max(1, QR_SIZE // len(matrix))
    return matrix, box, (QR_SIZE - box * len(matrix)) // 2


def qr_image(url, size=QR_SIZE):
    """The QR code of ``url`` on a white square of QR_SIZE, every module the same whole number
    of pixels (scaled without blur, so that phones read it)."""
    matrix, box, offset = qr_code(url)
    square = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(square)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                left, top = offset + column * box, offset + row * box
                draw.rectangle((left, top, left + box - 1, top + box - 1), fill=INK)
    return square


@dataclass
class Page:
    """The PNG being drawn, and the box of everything drawn on it (for the tests' checks).
    Several pages are drawn one under the other."""

    image: Image.Image
    boxes: list = field(default_factory=list)  # [(what, (left, top, right, bottom))]
    texts: list = field(default_factory=list)  # [(what, text)]

    def __post_init__(self):
        self.draw = ImageDraw.Draw(self.image)

    def text(self, what, xy, text, font, fill=INK, anchor="la"):
        options = {"font": font, "anchor": anchor, "features": UNSHAPED}
        self.draw.text(xy, text, fill=fill, **options)
        self.texts.append((what, text))
        self.boxes.append((what, self.draw.textbbox(xy, text, **options)))

    def paste(self, what, picture, xy, mask=None):
        self.image.paste(picture, xy, mask)
        left, top = xy
        self.boxes.append((what, (left, top, left + picture.width, top + picture.height)))


def _frame(page, top):
    draw = page.draw
    draw.rectangle((0, top, WIDTH - 1, top + HEIGHT - 1), fill=TINT)
    draw.rectangle(
        (FRAME, top + FRAME, WIDTH - FRAME, top + HEIGHT - FRAME),
        fill=PAPER,
        outline=ACCENT,
        width=6,
    )
    inset = FRAME + 16
    draw.rectangle((inset, top + inset, WIDTH - inset, top + HEIGHT - inset), outline=GOLD, width=2)


def stamp_geometry():
    """The revoked stamp's words, font and box before it is turned: (label, font, bbox of the
    label, layer width, layer height)."""
    font = get_font(150, bold=True)
    label = drawable(_("REVOKED"), bold=True)
    box = font.getbbox(label)
    return label, font, box, box[2] - box[0] + 60, box[3] - box[1] + 60


def _revoked_stamp(page, top):
    """A large red diagonal REVOKED under the text: no copy passes for a valid certificate."""
    label, font, box, width, height = stamp_geometry()
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    stamp = ImageDraw.Draw(layer)
    colour = (*REVOKED, STAMP_ALPHA)
    stamp.rectangle((4, 4, width - 5, height - 5), outline=colour, width=8)
    stamp.text((30 - box[0], 30 - box[1]), label, font=font, fill=colour)
    layer = layer.rotate(18, expand=True, resample=Image.Resampling.BICUBIC)
    xy = ((WIDTH - layer.width) // 2, top + (HEIGHT - layer.height) // 2)
    page.paste("stamp", layer, xy, layer)


def draw_certificate(certificate, works, honour=""):
    """The certificate drawn with Pillow on a Page (the image and the box of everything on it);
    its pages one under the other when the works need more than one."""
    plan = layout(certificate, works, honour)
    page = Page(Image.new("RGB", (WIDTH, HEIGHT * len(plan.pages)), PAPER))
    for number, items in enumerate(plan.pages):
        top = number * HEIGHT
        _frame(page, top)
        if plan.revoked:
            _revoked_stamp(page, top)
        for item in items:
            if isinstance(item, Text):
                font = get_font(item.size, item.bold)
                anchor = "ma" if item.centred else "la"
                xy = (round(item.x), top + item.y)
                page.text(item.what, xy, item.text, font, item.colour, anchor)
            elif isinstance(item, Rule):
                box = (item.x0, top + item.y0, item.x1, top + item.y1)
                page.draw.line(box, fill=item.colour, width=item.width)
            else:
                page.paste(item.what, qr_image(item.url), (item.x, top + item.y))
    return page


def png_size(certificate, works, honour=""):
    """The PNG's (width, height) in pixels: its pages one under the other, for the page that
    shows it to keep its room while it loads."""
    return WIDTH, HEIGHT * len(layout(certificate, works, honour).pages)


def render_png(certificate, works, honour=""):
    buffer = io.BytesIO()
    draw_certificate(certificate, works, honour).image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# The PDF ----------------------------------------------------------------------------------------


def _pdf_box(pdf, box, width=None, fill=None, outline=None):
    """Pillow's rectangle ``box`` (inclusive pixel corners; an outline of ``width`` drawn inside
    it) drawn in the PDF."""
    left, top, right, bottom = box
    if fill:
        pdf.set_fill_color(*fill)
        pdf.rect(left, top, right + 1 - left, bottom + 1 - top, style="F")
    if outline:
        half = width / 2
        pdf.set_draw_color(*outline)
        pdf.set_line_width(width)
        pdf.rect(left + half, top + half, right + 1 - left - width, bottom + 1 - top - width)


def _pdf_frame(pdf):
    _pdf_box(pdf, (0, 0, WIDTH - 1, HEIGHT - 1), fill=TINT)
    paper = (FRAME, FRAME, WIDTH - FRAME, HEIGHT - FRAME)
    _pdf_box(pdf, paper, width=6, fill=PAPER, outline=ACCENT)
    inset = FRAME + 16
    _pdf_box(pdf, (inset, inset, WIDTH - inset, HEIGHT - inset), width=2, outline=GOLD)


def _pdf_text(pdf, item):
    pdf.set_font("certificate", "B" if item.bold else "", item.size * PT)
    pdf.set_text_color(*item.colour)
    x = item.x - pdf.get_string_width(item.text) / 2 if item.centred else item.x
    ascent, _descent = get_font(item.size, item.bold).getmetrics()
    pdf.text(x, item.y + ascent, item.text)


def _pdf_qr(pdf, item):
    matrix, box, offset = qr_code(item.url)
    pdf.set_fill_color(*PAPER)
    pdf.rect(item.x, item.y, QR_SIZE, QR_SIZE, style="F")
    pdf.set_fill_color(*INK)
    for row, modules in enumerate(matrix):
        column = 0
        while column < len(modules):  # each run of dark modules as one rectangle
            if not modules[column]:
                column += 1
                continue
            end = column
            while end < len(modules) and modules[end]:
                end += 1
            x, y = item.x + offset + column * box, item.y + offset + row * box
            pdf.rect(x, y, (end - column) * box, box, style="F")
            column = end


def _pdf_stamp(pdf):
    label, font, box, width, height = stamp_geometry()
    left, top = (WIDTH - width) / 2, (HEIGHT - height) / 2
    opacity = STAMP_ALPHA / 255
    with (
        pdf.rotation(18, WIDTH / 2, HEIGHT / 2),
        pdf.local_context(fill_opacity=opacity, stroke_opacity=opacity),
    ):
        _pdf_box(pdf, (left + 4, top + 4, left + width - 5, top + height - 5), 8, None, REVOKED)
        pdf.set_font("certificate", "B", 150 * PT)
        pdf.set_text_color(*REVOKED)
        ascent, _descent = font.getmetrics()
        pdf.text(left + 30 - box[0], top + 30 - box[1] + ascent, label)


def render_pdf(certificate, works, honour=""):
    """The certificate as a PDF of A4 landscape pages: the same layout as the PNG, every word
    real text in the embedded subset of the configured CJK font, the QR code in vectors."""
    # fpdf2 takes half a second to import: only this view pays it, not every process's start.
    from fpdf import FPDF

    plan = layout(certificate, works, honour)
    used = {False: "", True: ""}
    for items in plan.pages:
        for item in items:
            if isinstance(item, Text):
                used[item.bold] += item.text
    if plan.revoked:
        used[True] += stamp_geometry()[0]
    pdf = FPDF(orientation="P", unit=PT, format=(WIDTH, HEIGHT))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    title = wording(certificate)[0]
    pdf.set_title(f"{title} {certificate.serial}")
    pdf.set_author(certificate.track.edition.local_name)
    pdf.set_subject(f"{certificate.participant.display_name} @{certificate.participant.login}")
    pdf.set_creator("hackathon-results")
    pdf.set_producer("hackathon-results")
    pdf.set_lang(get_language() or settings.LANGUAGE_CODE)
    # Made the same each time (no clock in the file): the date of the certificate.
    pdf.set_creation_date(
        datetime.datetime.combine(certificate.issued_on, datetime.time(), datetime.UTC)
    )
    with tempfile.TemporaryDirectory(prefix="certificate-") as folder:
        # fpdf2 reads fonts from files: the subsets are a few kB each, gone with the folder.
        for bold, style in ((False, ""), (True, "B")):
            path = os.path.join(folder, f"{style or 'R'}.otf")
            with open(path, "wb") as subset:
                subset.write(typeface(bold).subset(used[bold] + " "))
            pdf.add_font("certificate", style, path)
        for items in plan.pages:
            pdf.add_page()
            _pdf_frame(pdf)
            if plan.revoked:
                _pdf_stamp(pdf)
            for item in items:
                if isinstance(item, Text):
                    _pdf_text(pdf, item)
                elif isinstance(item, Rule):
                    pdf.set_draw_color(*item.colour)
                    pdf.set_line_width(item.width)
                    pdf.line(item.x0, item.y0 + 0.5, item.x1, item.y1 + 0.5)
                else:
                    _pdf_qr(pdf, item)
        return bytes(pdf.output())
