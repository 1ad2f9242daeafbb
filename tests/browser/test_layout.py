"""Every public page at a phone's and a desktop's width, in both languages: nothing scrolls
sideways, no table is cut (tables of figures become cards on a phone), no login breaks inside
the word."""

import datetime

import pytest

from participants.certificates import issue_certificates
from participants.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = [
    "/",
    "/leaderboard/",
    "/editions/7th/",
    "/editions/7th/tasks/",
    "/editions/7th/leaderboard/",
    "/editions/7th/honour-roll/",
    "/editions/7th/tracks/individual/",
    "/editions/7th/tracks/camp/",
    "/editions/7th/tracks/fundable/",
    "/editions/7th/versions/",
    "/editions/7th/objections/",
    "/editions/7th/changes/",
    "/certificates/",
]
CUT_TABLES = """[...document.querySelectorAll('.table-wrap')]
    .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
    .map(wrap => wrap.querySelector('th')?.textContent.trim())"""
BROKEN_LOGINS = """[...document.querySelectorAll('a[href^="/people/"]')]
    .filter(link => link.getClientRects().length > 1)
    .map(link => link.textContent)"""


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_page_fits_its_screen(browser, live_server, seventh, locale):
    """Each page is loaded once, at a phone's width, then laid out again at a desktop's."""
    issue_certificates(seventh, issued_on=datetime.date(2025, 2, 8))
    camper = Certificate.objects.filter(track__kind="camp").order_by("serial").first()
    pages = [*PAGES, f"/people/{camper.participant.login}/", f"/certificates/{camper.serial}/"]
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    page = context.new_page()

    problems = []
    for path in pages:
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(live_server.url + path)
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            scroll = page.evaluate("document.documentElement.scrollWidth")
            cut, broken = page.evaluate(CUT_TABLES), page.evaluate(BROKEN_LOGINS)
            if scroll > width or cut or broken:
                problems.append((path, width, scroll, cut, broken))
    context.close()

    assert problems == []
