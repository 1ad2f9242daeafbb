"""HEAD is answered like GET, without a body, everywhere GET is (proxies and link checkers use
it)."""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/editions/7th/",
    "/editions/7th/leaderboard/",
    "/editions/7th/leaderboard.csv",
    "/api/editions/",
    "/api/editions/7th/",
    "/api/editions/7th/leaderboard/",
    "/api/editions/7th/tasks/",
    "/api/leaderboard/",
    "/api/people/ind-01/",
    "/api/openapi.json",
]


@pytest.mark.parametrize("url", URLS)
def test_head_is_answered_like_get_without_a_body(client, seventh, url):
    get = client.get(url)
    head = client.head(url)

    assert (get.status_code, head.status_code) == (200, 200)
    assert head["Content-Type"] == get["Content-Type"]
    body = b"".join(head.streaming_content) if head.streaming else head.content
    assert body == b""
