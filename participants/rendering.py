"""Certificates drawn as pictures: a PNG, and the same page as a PDF.

The page is A4 landscape at RENDER_DPI, drawn with Pillow in a CJK font (settings.CERTIFICATE_FONT
and CERTIFICATE_BOLD_FONT, Debian's fonts-noto-cjk by default) so that Chinese names and titles are
letters, not boxes. Whatever the length of a name or of the list of tasks, everything stays inside
the frame: names shrink and wrap, long lines end with an ellipsis, and a list too long for the page
ends with "and N more" (the verification page lists them all).

The words are those of the active language; callers that cache a rendering key it by language.
"""

import io
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import qrcode
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from tracks.choices import TrackKind

RENDER_DPI = 150
# A4 landscape (297 × 210 mm) at RENDER_DPI.
WIDTH, HEIGHT = 1754, 1240
FRAME = 40  # the outer border's distance from the edge
PADDING = 130  # where the text may start, from the edge
QR_SIZE = 190

INK = (28, 36, 48)
MUTED = (86, 96, 112)
ACCENT = (31, 79, 191)
GOLD = (176, 138, 46)
REVOKED = (185, 28, 28)
PAPER = (255, 255, 255)
TINT = (247, 249, 253)

# Unicode categories drawn as a space: control characters, line and paragraph separators.
BREAKS = {"Cc", "Zl", "Zp"}


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
    return _font(font_path(bold), size)


def one_line(text):
    """``text`` as one line: line breaks (a quoted CSV cell, Excel's Alt+Enter), tabs and other
    control characters become single spaces. The text layout engine (raqm) refuses to measure a
    line with a line break in it."""
    return " ".join(
        "".join(" " if unicodedata.category(char) in BREAKS else char for char in text).split()
    )


def wrap(text, font, width):
    """Lines of ``text`` no wider than ``width``: broken at a space in Latin text, anywhere
    between Chinese characters (a single word wider than the line is broken too)."""
    text = one_line(text)
    lines, line = [], ""
    for char in text:
        candidate = line + char
        if not line or font.getlength(candidate) <= width:
            line = candidate
            continue
        space = line.rfind(" ")
        if char != " " and space > 0 and not _is_wide(char) and not _is_wide(line[-1]):
            lines.append(line[:space])
            line = line[space + 1 :] + char
        else:
            lines.append(line.rstrip())
            line = char.lstrip()
    if line:
        lines.append(line)
    return lines


def _is_wide(char):
    return ord(char) >= 0x2E80


def ellipsize(text, font, width):
    """``text``, cut with an ellipsis to be no wider than ``width``."""
    text = one_line(text)
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit(text, width, sizes, max_lines, bold=False):
    """(font, lines): the largest of ``sizes`` at which ``text`` fits in ``max_lines`` lines of
    ``width``; at the smallest, the last line is cut with an ellipsis."""
    for size in sizes:
        font = get_font(size, bold)
        lines = wrap(text, font, width)
        if len(lines) <= max_lines:
            return font, lines
    kept = lines[:max_lines]
    kept[-1] = ellipsize(kept[-1] + "".join(lines[max_lines:]), font, width)
    return font, kept


@dataclass
class Page:
    """The image being drawn, and the box of everything drawn on it (for the tests' checks)."""

    image: Image.Image
    boxes: list = field(default_factory=list)  # [(what, (left, top, right, bottom))]
    texts: list = field(default_factory=list)  # [(what, text)]

    def __post_init__(self):
        self.draw = ImageDraw.Draw(self.image)

    def text(self, what, xy, text, font, fill=INK, anchor="la"):
        text = one_line(text)
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        self.texts.append((what, text))
        self.boxes.append((what, self.draw.textbbox(xy, text, font=font, anchor=anchor)))

    def centred(self, what, y, lines, font, fill=INK, leading=1.25):
        """Lines centred on the page from ``y``; returns the y below them."""
        step = round(font.size * leading)
        for line in lines:
            self.text(what, (WIDTH // 2, y), line, font, fill, anchor="ma")
            y += step
        return y

    def paste(self, what, picture, xy, mask=None):
        self.image.paste(picture, xy, mask)
        left, top = xy
        self.boxes.append((what, (left, top, left + picture.width, top + picture.height)))


def verification_url(certificate):
    return settings.SITE_URL + certificate.get_absolute_url()


def png_url(certificate):
    """The address of the certificate's picture, for the API and link previews."""
    return settings.SITE_URL + reverse("certificate_png", args=[certificate.serial])


def qr_image(url, size=QR_SIZE):
    """The QR code of ``url`` on a white square of ``size``, every module the same whole number
    of pixels (scaled without blur, so that phones read it)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    code.box_size = max(1, size // (code.modules_count + 2 * code.border))
    picture = code.make_image(fill_color=INK, back_color=PAPER).get_image().convert("RGB")
    square = Image.new("RGB", (size, size), PAPER)
    offset = (size - picture.width) // 2
    square.paste(picture, (offset, offset))
    return square


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


def _frame(page):
    draw = page.draw
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), fill=TINT)
    draw.rectangle(
        (FRAME, FRAME, WIDTH - FRAME, HEIGHT - FRAME), fill=PAPER, outline=ACCENT, width=6
    )
    inset = FRAME + 16
    draw.rectangle((inset, inset, WIDTH - inset, HEIGHT - inset), outline=GOLD, width=2)


def _works(page, works, top, bottom):
    """The list of works in one or two columns between ``top`` and ``bottom``."""
    left, right = PADDING + 40, WIDTH - PADDING - 40
    lines = [work_line(work) for work in works]
    for size in (30, 28, 26, 24, 22, 20):
        font = get_font(size)
        step = round(size * 1.45)
        rows = max(1, (bottom - top) // step)
        columns = 1 if len(lines) <= rows else 2
        if len(lines) <= rows * columns:
            break
    capacity = rows * columns
    shown = lines if len(lines) <= capacity else lines[: capacity - 1]
    more = len(lines) - len(shown)
    gutter = 40
    column_width = (right - left - gutter * (columns - 1)) // columns
    for position, line in enumerate(shown):
        column, row = divmod(position, rows)
        x = left + column * (column_width + gutter)
        text = ellipsize("• " + line, font, column_width)
        page.text("work", (x, top + row * step), text, font)
    if more:
        column, row = divmod(len(shown), rows)
        x = left + column * (column_width + gutter)
        text = ngettext("… and %(count)d more", "… and %(count)d more", more) % {"count": more}
        page.text("more", (x, top + row * step), ellipsize(text, font, column_width), font, MUTED)


def _revoked_stamp(page):
    """A large red diagonal REVOKED under the text: no copy passes for a valid certificate."""
    font = get_font(150, bold=True)
    label = _("REVOKED")
    box = font.getbbox(label)
    layer = Image.new("RGBA", (box[2] - box[0] + 60, box[3] - box[1] + 60), (0, 0, 0, 0))
    stamp = ImageDraw.Draw(layer)
    stamp.rectangle((4, 4, layer.width - 5, layer.height - 5), outline=(*REVOKED, 70), width=8)
    stamp.text((30 - box[0], 30 - box[1]), label, font=font, fill=(*REVOKED, 70))
    layer = layer.rotate(18, expand=True, resample=Image.Resampling.BICUBIC)
    xy = ((WIDTH - layer.width) // 2, (HEIGHT - layer.height) // 2)
    page.paste("stamp", layer, xy, layer)


def draw_certificate(certificate, works, honour=""):
    """The certificate drawn on a Page (the image and the box of everything on it).

    ``certificate`` comes with its participant and track__edition; ``works`` is its list of
    CertifiedWork (participants.certificates.certified_works); ``honour`` the edition's honour
    when its holder receives it (participants.certificates.honour_of).
    """
    page = Page(Image.new("RGB", (WIDTH, HEIGHT), PAPER))
    _frame(page)
    if not certificate.is_valid:
        _revoked_stamp(page)
    person = certificate.participant
    edition = certificate.track.edition
    width = WIDTH - 2 * PADDING
    title, before, after = wording(certificate)

    y = 110
    font, lines = fit(edition.local_name, width, (34, 30, 26), 1)
    y = page.centred("edition", y, lines, font, MUTED)
    font, lines = fit(title, width, (76, 64, 52), 1, bold=True)
    y = page.centred("title", y + 10, lines, font, ACCENT)
    page.draw.line((WIDTH // 2 - 120, y + 14, WIDTH // 2 + 120, y + 14), fill=GOLD, width=3)
    y = page.centred("before", y + 36, [before], get_font(28), MUTED)
    font, lines = fit(person.display_name, width, (64, 56, 48, 40, 34), 2, bold=True)
    y = page.centred("name", y + 6, lines, font)
    y = page.centred("login", y, [f"@{person.login}"], get_font(28), MUTED)
    if honour:
        font, lines = fit(f"★ {honour} ★", width, (34, 30, 26), 1, bold=True)
        y = page.centred("honour", y + 8, lines, font, GOLD)
    font, lines = fit(after, width, (30, 27, 24), 2)
    y = page.centred("after", y + 14, lines, font)

    footer = HEIGHT - PADDING - QR_SIZE + 20
    _works(page, works, y + 18, footer - 20)
    page.draw.line(
        (PADDING, footer - 8, WIDTH - PADDING, footer - 8), fill=(221, 226, 232), width=2
    )

    url = verification_url(certificate)
    page.paste("qr", qr_image(url), (WIDTH - PADDING - QR_SIZE + 40, footer + 4))
    text_width = WIDTH - 2 * PADDING - QR_SIZE
    small = get_font(24)
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
            "reason": " ".join(certificate.revocation_reason.split()),
        }
        rows.append((reason, REVOKED))
    rows.append((_("Verify at %(url)s") % {"url": url}, ACCENT))
    row_y = footer + 6
    for text, colour in rows:
        page.text("footer", (PADDING, row_y), ellipsize(text, small, text_width), small, colour)
        row_y += 38
    return page


def render_png(certificate, works, honour=""):
    buffer = io.BytesIO()
    draw_certificate(certificate, works, honour).image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def render_pdf(certificate, works, honour=""):
    """One A4 landscape page: the PNG's picture at RENDER_DPI."""
    buffer = io.BytesIO()
    image = draw_certificate(certificate, works, honour).image
    image.save(
        buffer, "PDF", resolution=RENDER_DPI, title=certificate.serial, producer="hackathon-results"
    )
    return buffer.getvalue()
