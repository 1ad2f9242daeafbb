"""A person's face, next to their name: ``{% avatar person 24 %}``.

``person`` is anything with ``login``, ``name`` and ``avatar`` (a Participant, a leaderboard's
Standing). The first of these that applies is shown, in a round frame of ``size`` CSS pixels:

1. the image an organizer uploaded (the ``avatar`` field), from the media storage, when it is
   in the public folder of avatars (anything else, e.g. a staged import, is never linked);
2. the person's GitHub avatar (``https://avatars.githubusercontent.com/<login>?s=…``), when the
   ``AVATARS_GITHUB`` setting is on (the Content-Security-Policy then allows that host);
3. the initial of the name (else of the login) on a colour picked from the login, drawn by the
   stylesheet from the frame's ``data-initial``: no request at all.

An image is laid over the initial, so an image still loading shows the initial behind it; one
that fails to load (offline, a deleted account) is drawn by browsers with its ``::after``, which
the stylesheet fills with the image's own ``data-initial`` over its broken-image icon: no script.
The frame is decorative (``aria-hidden``, the image's ``alt=""``): the name is written beside it.
"""

import unicodedata
import zlib
from urllib.parse import quote

from django import template
from django.conf import settings
from django.utils.html import format_html

from participants.models import Participant

register = template.Library()

# The sizes the stylesheet draws (.avatar-<size> in static/css/site.css).
SIZES = (20, 24, 32, 72)
# Colour classes .avatar-c0 … .avatar-c7 (static/css/site.css), white text on each.
PALETTE_SIZE = 8
# Where the admin stores uploaded avatars (Participant.avatar's upload_to): one of the folders
# served publicly (hackathon.images.PUBLIC_MEDIA_FOLDERS), unlike staged imports.
AVATAR_FOLDER = "avatars/"
# Hangul jamo: a run of them is one syllable (one grapheme) when it does not compose.
JAMO = ((0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))
VIRAMA = 9  # the canonical combining class of a virama: it joins the next letter to its grapheme


def _first_grapheme(text):
    """The first character of ``text`` with its combining marks, in capitals, when that is sure
    to be one whole grapheme starting with a letter; else None."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text or not unicodedata.category(text[0]).startswith("L"):
        return None  # an emoji, a symbol, a combining mark alone, a digit…
    first = text[0]
    if any(low <= ord(first) <= high for low, high in JAMO):
        return None
    marks = ""
    for char in text[1:]:
        if not unicodedata.category(char).startswith("M"):
            break
        if unicodedata.combining(char) == VIRAMA:
            return None  # a conjunct (क्ष): the grapheme goes on past it
        marks += char
    rest = text[1 + len(marks) :]
    if rest[:1] == "\u200d":  # a zero-width joiner ties the next character on
        return None
    upper = first.upper()
    return unicodedata.normalize("NFC", (upper if len(upper) == 1 else first) + marks)


def initial(name, login):
    """The letter drawn for a person: the first grapheme of their name when it is a letter (张 of
    张三, É of élodie), else the first character of their login in capitals (Z of zeroRains)."""
    return _first_grapheme(name or "") or login[:1].upper()


def colour(login):
    """A colour class fixed by the login (in any case), the same in every process."""
    return f"avatar-c{zlib.crc32(login.lower().encode()) % PALETTE_SIZE}"


def uploaded_url(avatar):
    """The URL of an uploaded avatar (a field file or its stored name), or "" when there is none
    or it is not a plain file of the public avatars folder."""
    name = getattr(avatar, "name", avatar) or ""
    if not name.startswith(AVATAR_FOLDER):
        return ""
    parts = name.split("/")
    if len(parts) != 2 or parts[1] in ("", ".", "..") or "\\" in name:
        return ""
    return Participant._meta.get_field("avatar").storage.url(name)


def github_url(login, size):
    """GitHub's avatar of the login, at twice the size (sharp on high-density screens)."""
    return f"{settings.AVATARS_GITHUB_HOST}/{quote(login, safe='')}?s={size * 2}"


@register.simple_tag
def avatar(person, size=24):
    if size not in SIZES:
        raise ValueError(f"avatar: size {size!r} is not one of {SIZES} (static/css/site.css)")
    src = uploaded_url(person.avatar)
    if not src and settings.AVATARS_GITHUB:
        src = github_url(person.login, size)
    letter = initial(person.name, person.login)
    classes = f"avatar avatar-{size} {colour(person.login)}"
    # The initial is the stylesheet's generated content (.avatar::before), not text: it is not
    # read out, copied with the names, or found by a search of the page.
    if not src:
        return format_html(
            '<span class="{}" data-initial="{}" aria-hidden="true"></span>', classes, letter
        )
    return format_html(
        '<span class="{}" data-initial="{}" aria-hidden="true">'
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy" referrerpolicy="no-referrer" '
        'data-initial="{}"></span>',
        classes,
        letter,
        src,
        size,
        size,
        letter,
    )
