"""People's faces in a real browser: a GitHub avatar is shown over the initial, and one that
is still loading or cannot load (the browser is offline here) shows the initial exactly as if
there were no picture, without a script.

The avatars' HTML is the template tag's, under the site's stylesheet; the browser answers GitHub's
avatars host itself (a local picture, or a network error): nothing is loaded from GitHub. (The
Content-Security-Policy that lets that host through is tested in tests/participants/test_avatars.py;
AVATARS_GITHUB is off for the pages of every other test, tests/settings.py.)"""

import io

from django.conf import settings as django_settings
from django.template import Context, Template
from PIL import Image

from participants.models import Participant

HOST = "https://avatars.githubusercontent.com"
SIZE = 72


def avatar(person):
    return Template("{% load avatars %}{% avatar person 72 %}").render(Context({"person": person}))


def png(colour):
    out = io.BytesIO()
    Image.new("RGB", (2 * SIZE, 2 * SIZE), colour).save(out, "PNG")
    return out.getvalue()


def disc(image, left):
    """The pixels of the disc of the avatar drawn at ``left``, 4 pixels inside its rim."""
    centre, radius = SIZE / 2, SIZE / 2 - 4
    return [
        image.getpixel((left + x, y))
        for y in range(SIZE)
        for x in range(SIZE)
        if (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 < radius**2
    ]


def test_a_github_avatar_covers_the_initial_and_one_that_fails_shows_it(page, settings):
    person = Participant(login="zeroRains", name="张三")
    initial_only = avatar(person)
    settings.AVATARS_GITHUB = True
    github = avatar(person)
    requested = []

    def answer(route):
        """Offline, but for the picture asked for with &online (and &loading never answered)."""
        requested.append(route.request.url)
        if route.request.url.endswith("&online"):
            route.fulfill(content_type="image/png", body=png("red"))
        elif not route.request.url.endswith("&loading"):
            route.abort("internetdisconnected")

    page.route(f"{HOST}/**", answer)
    # Side by side, 100 px apart: GitHub's offline, online, still loading; the initial alone.
    online = github.replace("?s=144", "?s=144&amp;online")
    loading = github.replace("?s=144", "?s=144&amp;loading")
    page.set_content(f"<!doctype html><body>{github}{online}{loading}{initial_only}</body>")
    page.add_style_tag(path=django_settings.BASE_DIR / "static" / "css" / "site.css")
    page.add_style_tag(content="body { margin: 0; display: flex; gap: 28px; }")
    page.wait_for_function("[...document.images].slice(0, 2).every(img => img.complete)")
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")

    assert sorted(requested) == [
        f"{HOST}/zeroRains?s=144",
        f"{HOST}/zeroRains?s=144&loading",
        f"{HOST}/zeroRains?s=144&online",
    ]
    failed, shown, waiting, initials = (disc(shot, left) for left in (0, 100, 200, 300))
    # The same initial on the same colour, pixel for pixel (the round rim's anti-aliasing aside).
    assert failed == initials
    assert waiting == initials
    assert len(set(initials)) > 2  # a letter on a colour, not a plain disc
    # The picture fills the round frame, over the initial.
    assert set(shown) == {(255, 0, 0)}
