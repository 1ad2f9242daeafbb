"""The Content-Security-Policy (default-src 'self', no inline script or style) holds on every kind
of page: a page that needed more would log "Refused to …" in the console."""

import pytest

from hackathon.models import Edition
from participants.certificates import issue_certificates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC_PAGES = [
    "/",
    "/editions/7th/",
    "/editions/7th/tracks/individual/",
    "/editions/7th/tasks/",
    "/editions/7th/leaderboard/",
    "/editions/7th/honour-roll/",
    "/leaderboard/",
    "/people/ind-01/",
    "/certificates/PH7-IND-0001/",
    "/editions/no-such-edition/",  # the 404 page
]


# How Chromium words what the policy blocks: "Refused to load the image …", "Refused to apply
# inline style …", "Executing inline script violates the following Content Security Policy …".
REFUSALS = ("Refused to", "Content Security Policy")


def watch_console(page):
    """What the page logs as refused by the policy, and any script error, as a list filled as
    it runs."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and any(words in message.text for words in REFUSALS)
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_public_pages_need_nothing_the_policy_refuses(page, live_server, seventh):
    issue_certificates(Edition.objects.get(slug="7th"))
    problems = watch_console(page)

    for path in PUBLIC_PAGES:
        response = page.goto(live_server.url + path)
        assert "default-src 'self'" in response.headers["content-security-policy"]

    assert problems == []


def test_the_api_docs_page_renders_the_schema_under_the_policy(page, live_server, seventh):
    problems = watch_console(page)

    page.goto(live_server.url + "/api/docs/")

    title = page.locator(".swagger-ui .info .title")
    assert title.inner_text().startswith("Hackathon results tracker API")
    assert page.locator(".opblock-summary-path").first.inner_text() == "/api/certificates/{serial}/"
    assert problems == []


def test_the_edition_admin_pages_need_nothing_the_policy_refuses(page, live_server, seventh):
    # A superuser: transactional tests flush the Organizers group that a migration creates.
    UserFactory(username="organizer", is_staff=True, is_superuser=True)
    problems = watch_console(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "organizer")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")

    for path in [
        "/admin/",
        f"/admin/hackathon/edition/{seventh.pk}/change/",
        f"/admin/hackathon/edition/{seventh.pk}/import/",
        "/admin/participants/participant/add/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200

    assert problems == []
