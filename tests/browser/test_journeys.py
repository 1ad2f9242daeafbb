import datetime

import pytest
from django.utils import timezone

from hackathon.models import Edition
from participants.certificates import issue_certificates
from results.versions import publish
from tests.factories import TaskFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(live_server, seventh):
    return live_server.url


def test_visitor_goes_from_home_to_an_edition_its_leaderboard_and_a_profile(page, site):
    page.goto(site + "/")
    page.get_by_role("link", name="飞桨黑客马拉松第七期").click()

    assert page.get_by_role("heading", level=1).inner_text() == "飞桨黑客马拉松第七期"
    edition_nav = page.get_by_role("navigation", name="期次")
    edition_nav.get_by_role("link", name="排行榜", exact=True).click()
    first = page.locator("table.leaderboard tbody tr").first
    assert first.locator("td").first.inner_text() == "1"
    first.get_by_role("link", name="ind-08").click()

    assert page.url == site + "/people/ind-08/"
    assert page.get_by_role("heading", level=1).inner_text() == "ind-08"


def test_visitor_filters_the_task_browser(page, site):
    page.goto(site + "/editions/7th/tasks/")
    page.get_by_label("赛道").select_option("individual")
    page.get_by_label("状态").select_option("completed")
    page.get_by_role("button", name="筛选").click()

    assert "track=individual" in page.url and "status=completed" in page.url
    codes = page.locator("table tbody tr th[scope=row]").all_inner_texts()
    assert len(codes) == 27
    assert codes[:3] == ["NO.1", "NO.2", "NO.3"]


def test_visitor_switches_language_and_it_sticks(page, site):
    page.goto(site + "/editions/7th/")
    assert page.get_by_role("heading", name="赛道", exact=True).is_visible()

    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()

    assert page.url == site + "/editions/7th/"
    assert page.get_by_role("heading", name="Tracks", exact=True).is_visible()
    page.goto(site + "/editions/7th/leaderboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Leaderboard"


def test_visitor_verifies_a_certificate_from_a_profile_and_downloads_it(page, site):
    issue_certificates(Edition.objects.get(slug="7th"))
    page.goto(site + "/people/ind-01/")
    page.get_by_role("link", name="PH7-CAMP-0019").click()

    assert page.url == site + "/certificates/PH7-CAMP-0019/"
    assert page.get_by_role("heading", level=1).inner_text() == "结营证书 PH7-CAMP-0019"
    assert page.locator(".cert-valid").inner_text() == "有效"
    with page.expect_download() as download:
        page.get_by_role("link", name="图片（PNG）").click()
    assert download.value.suggested_filename == "PH7-CAMP-0019.png"


LONG_TITLE = (
    "将paddle内部的fake_channel_wise_dequantize_max_abs/fake_channel_wise_quantize_abs_max/"
    "fake_channel_wise_quantize_dequantize_abs_max算子及其kernel实现从fluid下迁移到phi下"
)


@pytest.mark.parametrize("path", ["/people/ind-01/", "/editions/7th/honour-roll/"])
def test_long_task_titles_wrap_inside_their_tables(page, live_server, seventh, path):
    track = seventh.tracks.get(kind="individual")
    WorkFactory(
        task=TaskFactory(track=track, code="NO.60", title=LONG_TITLE), contributors=["ind-01"]
    )

    page.goto(live_server.url + path)

    overflowing = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(wrap => wrap.scrollWidth > wrap.clientWidth).length"
    )
    assert overflowing == 0
    assert page.get_by_text(LONG_TITLE, exact=False).first.is_visible()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_edition_admin_page_fits_a_1280_px_screen(browser, live_server, seventh, locale):
    # A superuser: transactional tests flush the Organizers group that a migration creates.
    UserFactory(username="organizer", is_staff=True, is_superuser=True)
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "organizer")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/hackathon/edition/{seventh.pk}/change/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # The tools sit under the title, not over it.
    title = page.locator("#content > h2").bounding_box()
    tools = page.locator(".object-tools").bounding_box()
    assert tools["y"] >= title["y"] + title["height"]
    context.close()


@pytest.mark.parametrize("path", ["/editions/7th/leaderboard/", "/leaderboard/"])
def test_a_phone_sees_every_leaderboard_figure(phone, site, path):
    phone.goto(site + path)

    cells = phone.locator("table.leaderboard tbody tr").first.locator("td, th")
    boxes = [cells.nth(n).bounding_box() for n in range(cells.count())]
    assert len(boxes) == 5  # rank, person, points, tasks, reward
    assert all(box and box["width"] > 0 and box["x"] + box["width"] <= 375 for box in boxes)
    # Each figure is labelled on the card, as the hidden header no longer labels it.
    points = phone.locator("table.leaderboard tbody tr").first.locator("td").nth(1)
    label = points.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"积分"'


def test_a_phone_sees_each_published_version_whole(phone, site, seventh):
    publish(seventh, final=True, note="Final results, after the objections")
    phone.goto(site + "/editions/7th/versions/")

    cells = phone.locator("table.cards tbody tr").first.locator("td, th")
    boxes = [cells.nth(n).bounding_box() for n in range(cells.count())]
    assert len(boxes) == 5  # version, state, date, note, downloads
    assert all(box and box["x"] + box["width"] <= 375 for box in boxes)


def test_a_phone_sees_each_task_as_a_card_with_its_facts_labelled(phone, site):
    phone.goto(site + "/editions/7th/tasks/")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    cells = phone.locator("table.task-table tbody tr").first.locator("td, th")
    boxes = [cells.nth(n).bounding_box() for n in range(cells.count())]
    shown = [box for box in boxes if box is not None]  # an empty batch takes no room
    assert len(shown) >= 6  # code, title, track, direction, stars, status, people
    assert all(box["x"] + box["width"] <= 375 for box in shown)
    status = phone.locator("table.task-table tbody tr").first.locator("td[data-label]").nth(4)
    label = status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"状态 "'


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en-US", "Time left: 3 days 5 hours"), ("zh-CN", "剩余时间： 3天5小时")],
)
def test_the_edition_page_counts_down_to_the_objection_deadline(
    browser, site, seventh, locale, expected
):
    now = timezone.now()
    Edition.objects.filter(pk=seventh.pk).update(
        results_published_at=now - datetime.timedelta(days=1),
        objections_close_at=now + datetime.timedelta(days=3, hours=5, minutes=30),
    )
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(site + "/editions/7th/")

    countdown = page.locator(".countdown")
    countdown.wait_for(state="visible")
    assert countdown.inner_text() == expected
    context.close()


def test_an_organizer_copies_the_tracking_issue_in_one_click(browser, site):
    context = browser.new_context(locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    page.goto(site + "/editions/7th/tracks/individual/tracking-issue/")

    page.get_by_role("button", name="Copy the Markdown").click()

    page.get_by_role("button", name="Copied").wait_for()  # once the clipboard has it
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#tracking-issue-markdown").input_value()
    assert "| 合计 | 58 | 34 | 59% | 27 | 47% |" in copied
    context.close()
