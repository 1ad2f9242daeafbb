import pytest
from django.utils.html import escape

from tasks.choices import WorkStatus
from tests.factories import DirectionFactory, EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db


def markdown(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    return response.content.decode()


def test_the_tracking_issue_is_written_in_the_organizers_layout(client):
    track = TrackFactory(edition=EditionFactory(number=7, slug="7th"))
    framework = DirectionFactory(name="框架开发")
    issue = "https://github.com/PaddlePaddle/Paddle/issues/62905"
    done = TaskFactory(track=track, code="NO.1", title="为 Paddle 新增 A | B", stars=2,
                       direction=framework, issue_url=issue)  # fmt: skip
    WorkFactory(task=done, contributors=["alice"], status=WorkStatus.COMPLETED,
                pr_urls="https://github.com/PaddlePaddle/Paddle/pull/68294")  # fmt: skip
    WorkFactory(task=done, contributors=["bob"], status=WorkStatus.PR_SUBMITTED)
    TaskFactory(track=track, code="NO.2", title="上限任务", stars="0.2", stars_up_to=True,
                direction=framework)  # fmt: skip
    TaskFactory(track=track, code="NO.3", title="取消的任务", withdrawn=True)

    text = markdown(client, "/editions/7th/tracks/individual/tracking-issue.md")

    badge = "https://img.shields.io/badge/状态-"
    assert text.splitlines()[:5] == [
        "| 序号 | 难度 | 任务标题 | 队伍名称/状态/PR | 完成队伍 |",
        "| :---: | :---: | --- | --- | --- |",
        f"| NO.1 | ⭐️⭐️ | [为 Paddle 新增 A \\| B]({issue}) | "
        f'@alice <img src="{badge}完成任务-9B59B6" /> '
        "[#68294](https://github.com/PaddlePaddle/Paddle/pull/68294)<br>"
        f'@bob <img src="{badge}提交PR-F39C12" /> | @alice |',
        "| NO.2 | 最高0.2⭐️ | 上限任务 |  |  |",
        "| ~~NO.3~~ | ⭐️ | ~~取消的任务~~ |  |  |",
    ]
    assert "| 框架开发 | 2 | 1 | 50% | 1 | 50% |" in text
    assert "| 合计 | 2 | 1 | 50% | 1 | 50% |" in text
    assert text.splitlines()[-1] == "> 排名不分先后 @alice (1)"


def test_the_seventh_editions_board_totals_are_the_seed_posts(client, seventh):
    text = markdown(client, "/editions/7th/tracks/individual/tracking-issue.md")

    assert "| 合计 | 58 | 34 | 59% | 27 | 47% |" in text
    assert text.splitlines()[-1].startswith("> 排名不分先后 @")
    assert text.splitlines()[-1].count("@") == 19  # the 19 developers who completed tasks


@pytest.mark.parametrize("track", ["nope", "%00", "individual%00"])
def test_unknown_tracks_are_not_found(client, track):
    TrackFactory(edition=EditionFactory(number=7, slug="7th"))

    assert client.get(f"/editions/7th/tracks/{track}/tracking-issue.md").status_code == 404


def test_the_copy_page_holds_exactly_the_markdown(client, seventh):
    text = markdown(client, "/editions/7th/tracks/individual/tracking-issue.md")

    page = client.get("/editions/7th/tracks/individual/tracking-issue/", HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert page.context["markdown"] == text
    assert f'readonly spellcheck="false">{escape(text)}</textarea>' in html
    assert 'data-copy-target="tracking-issue-markdown"' in html
    assert 'href="/editions/7th/tracks/individual/tracking-issue.md"' in html
    track_page = client.get("/editions/7th/tracks/individual/").content.decode()
    assert 'href="/editions/7th/tracks/individual/tracking-issue/"' in track_page


@pytest.mark.parametrize("track", ["nope", "%00"])
def test_the_copy_page_of_an_unknown_track_is_not_found(client, track):
    TrackFactory(edition=EditionFactory(number=7, slug="7th"))

    assert client.get(f"/editions/7th/tracks/{track}/tracking-issue/").status_code == 404
