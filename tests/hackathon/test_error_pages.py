import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.mark.parametrize(
    ("language", "title", "nav"),
    [("en", "Page not found", "All-time leaderboard"), ("zh-hans", "页面不存在", "总排行榜")],
)
def test_a_missing_page_is_the_sites_own_404_in_the_visitors_language(
    client, production, language, title, nav
):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in page
    assert nav in page  # the site's navigation


def test_a_draft_edition_is_the_same_404(client, production):
    EditionFactory(number=9, slug="9th", is_public=False)

    response = client.get("/editions/9th/", HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, "<h1>Page not found</h1>" in response.content.decode()) == (
        404,
        True,
    )


@pytest.mark.parametrize(
    ("template", "en", "zh"),
    [
        ("500.html", "Server error", "服务器出错了"),
        ("403.html", "Not allowed", "没有权限"),
        ("400.html", "Bad request", "请求有误"),
    ],
)
def test_error_templates_render_without_a_request_in_both_languages(template, en, zh):
    for language, title in (("en", en), ("zh-hans", zh)):
        with translation.override(language):
            assert f"<h1>{title}</h1>" in render_to_string(template)
