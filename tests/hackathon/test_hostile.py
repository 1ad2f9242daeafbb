"""Hostile requests to every public address: a 400 that names the parameter, a 404, never a 500.

The addresses are read from the URL resolver, so a new one is covered without a word here. Path
parameters are drawn from the fixture edition's real slugs, logins, serials and numbers mixed with
hostile text; query parameters from the parameters each view declares (``public_response``)
plus unknown ones, with hostile values: NUL and other control characters, bytes that are not
UTF-8 (%FF), values beyond any length, Unicode digits, numbers beyond a bigint, exponents. Both GET
and HEAD; streamed bodies are read to their end; a public read never writes.
"""

import csv
import json
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import StringConverter
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from participants.certificates import issue_certificates
from results.versions import publish
from tests.factories import EditionFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

# Not public reads: the admin, the language switcher (a POST), GitHub's webhook (a POST), the
# objection form's POST (its GET is covered), the development tools and Django's own file server
# for uploads in development (a web server or object storage serves them in production).
SKIPPED_PREFIXES = ("admin/", "i18n/", "github/", "bench/", "^media/")
ALLOWED = {200, 301, 302, 304, 400, 404, 429}
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "REPLACE")

# Hostile texts, as sent (percent-encoded where needed): %FF is a byte that is not UTF-8.
HOSTILE = [
    "%00",
    "a%00b",
    "%FF",
    "%C0%AF",
    "%0A",
    "%1F",
    "%7F",
    "%C2%B2",  # ²
    "%D9%A1%D9%A2",  # ١٢
    "%EF%BC%91",  # １ (fullwidth)
    "9" * 40,
    "9223372036854775808",
    "-1",
    "1E-999999999",
    "1e999999999",
    "1E5",
    "NaN",
    "Infinity",
    "-0",
    "0x10",
    "x" * 201,
    "%E4%B8%AD" * 70,  # 中 × 70: 210 characters
    "",
    "%20",
    "..",
    "%2F",
    "'%22%3C%3E",
]
# Values that some parameter accepts, so that the views also run past their checks.
VALID_VALUES = ["1", "2", "0", "50", "0.5", "100", "individual", "camp", "-stars", "code", "NO"]
UNKNOWN_PARAMETERS = ["utm_source", "format", "page_size", "%00", "x%FFy"]


ANY_TEXT = StringConverter()


def walk(patterns, prefix="", converters=None):
    """(route, converters, view) of every URL pattern, included ones too."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        # A regular expression's groups (the media files in development) take any text.
        found.update(
            {name: ANY_TEXT for name in pattern.pattern.regex.groupindex if name not in found}
        )
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route, found)
        elif isinstance(pattern, URLPattern):
            yield route, found, pattern.callback


def public_patterns():
    return [
        (route, converters, view)
        for route, converters, view in walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    ]


PATTERNS = public_patterns()


@pytest.fixture
def known(db, settings):
    """A small public edition: two tasks, two people, certificates, a published version."""
    settings.RATELIMIT_ENABLE = False  # test_ratelimits.py counts; here every request runs
    edition = EditionFactory(number=1, slug="1st", yuan_per_star=2000)
    track = TrackFactory(edition=edition, kind="individual")
    first = WorkFactory(task__track=track, task__code="NO.1", task__stars=2, contributors=["alice"])
    WorkFactory(task__track=track, task__code="NO.2", contributors=["alice", "bob"])
    issue_certificates(edition)
    publish(edition, final=True)
    serial = track.certificates.first().serial
    return {
        "slug": ["1st", "2nd"],
        "track": ["individual", "camp"],
        "login": ["alice", "ALICE", "nobody"],
        "serial": [serial, serial.lower()],
        "format": ["csv", "json", "xlsx", "md", "png"],
        "pk": [str(first.task.pk), "0"],
        "number": ["1", "2"],
        "path": ["x.png", "../settings.py"],
    }


def path_value(name, converter, known):
    """Values for a path parameter: the fixture's, and hostile ones its converter lets through."""
    valid = st.sampled_from(known.get(name, ["x"]))
    if converter.regex == "[0-9]+":
        hostile = st.sampled_from(["9" * 40, "9223372036854775808", "2147483648", "0", "00"])
    elif converter.regex == "[-a-zA-Z0-9_]+":
        hostile = st.sampled_from(["x" * 201, "1st-", "_", "9" * 40])
    else:
        hostile = st.sampled_from([text for text in HOSTILE if text and text not in ("..", "%2F")])
    return st.one_of(valid, hostile)


def fill(route, values):
    """The address of ``route`` with its parameters replaced by ``values`` (already encoded)."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.replace("^", "").replace("$", ""))
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], route)


def query_strings(view):
    """Query strings of the view's declared parameters and unknown ones, each value valid or
    hostile, sometimes one name twice."""
    names = list(getattr(view, "query_parameters", ())) + UNKNOWN_PARAMETERS
    value = st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(VALID_VALUES),
        st.text(max_size=12).map(lambda text: quote(text, safe="")),
    )
    pair = st.tuples(st.sampled_from(names), value)
    return st.lists(pair, max_size=4).map(lambda pairs: "&".join(f"{n}={v}" for n, v in pairs))


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)  # fails the test if the stream breaks
    return response.content


def names_the_problem(body, sent):
    """A 400's body names a parameter that was sent and says something about it."""
    text = body.decode()
    try:
        problems = json.loads(text)
    except ValueError:
        return any(
            f"<code>{name}</code>" in text or f'id="id_{name}_error"' in text for name in sent
        )
    return bool(problems) and all(
        name in sent and messages and all(messages) for name, messages in problems.items()
    )


def check(client, url, method):
    with CaptureQueriesContext(connections["default"]) as queries:
        response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
        body = body_of(response)
    assert response.status_code in ALLOWED, (method, url, response.status_code)
    if method == "head":
        assert body == b"", url
    elif response.status_code == 400:
        query = url.partition("?")[2]
        sent = {part.partition("=")[0] for part in query.split("&") if part}
        assert names_the_problem(body, sent), (url, body[:300])
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == [], url
    return response


def test_every_public_address_is_enumerated():
    """The walk finds the public pages, exports and API (and so any added later)."""
    routes = {route for route, _converters, _view in PATTERNS}
    assert {
        "",
        "editions/<slug:slug>/tasks/",
        "editions/<slug:slug>/tasks.<str:format>",
        "editions/<slug:slug>/leaderboard.<str:format>",
        "people/<str:login>/",
        "certificates/<str:serial>/",
        "api/editions/<slug:slug>/tasks/",
        "api/certificates/<str:serial>/",
        "api/openapi.json",
    } <= routes
    assert not any(route.startswith(("admin/", "github/")) for route in routes)


@st.composite
def requests(draw, known):
    route, converters, view = draw(st.sampled_from(PATTERNS))
    values = {
        name: draw(path_value(name, converter, known)) for name, converter in converters.items()
    }
    query = draw(query_strings(view))
    method = draw(st.sampled_from(["get", "head"]))
    return fill(route, values) + (f"?{query}" if query else ""), method


@given(data=st.data())
@hypothesis_settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_hostile_requests_to_every_public_address(client, known, data):
    url, method = data.draw(requests(known))
    cache.clear()
    check(client, url, method)


# The cases that failed once (a 500, or a 200 cut short), each on GET and HEAD.
KNOWN_CASES = [
    ("/people/a%00b/", 404),
    ("/api/people/a%00b/", 404),
    ("/api/certificates/%00/", 404),
    ("/certificates/%00/", 404),
    ("/certificates/%00/certificate.png", 404),
    ("/people/%FF/", 404),
    ("/editions/1st/tracks/%00/", 404),
    ("/editions/1st/tracks/individual%00/tracking-issue.md", 404),
    ("/editions/1st/leaderboard/?track=%00", 400),
    ("/editions/1st/leaderboard.csv?track=%00", 400),
    ("/leaderboard/?track=%00", 400),
    ("/leaderboard.json?track=%00", 400),
    ("/api/editions/1st/leaderboard/?track=%00", 400),
    ("/editions/1st/tasks/?track=%00", 400),
    ("/editions/1st/tasks.csv?track=%00", 400),
    ("/editions/1st/tasks/?q=%FF", 400),
    ("/editions/1st/leaderboard/?page=%C2%B2", 400),
    ("/editions/1st/tasks/?page=%C2%B2", 400),
    ("/editions/1st/tasks/?page=99999999999999999999999", 400),
    ("/editions/1st/tasks/?stars=1E-999999999", 400),
    ("/editions/1st/tasks.csv?stars=1E-999999999", 400),
    ("/editions/1st/tasks.json?stars_min=1e999999999", 400),
    ("/api/editions/1st/tasks/?stars=1E-999999999", 400),
    ("/api/editions/1st/tasks/?stars=%D9%A1", 400),
    ("/api/editions/1st/tasks/?stars_max=NaN", 400),
    ("/api/editions/1st/tasks/?offset=99999999999999999999999", 400),
    ("/api/editions/1st/tasks/?limit=99999999999999999999999", 400),
    ("/api/editions/?offset=9223372036854775808", 400),
    ("/api/editions/?limit=9223372036854775808", 400),
    ("/api/editions/1st/leaderboard/?offset=9223372036854775808", 400),
    ("/api/leaderboard/?limit=%C2%B2", 400),
    ("/editions/1st/tasks/99999999999999999999999/", 404),
    ("/editions/1st/versions/99999999999999999999999/", 404),
    ("/editions/1st/versions/99999999999999999999999.csv", 404),
]


def test_known_hostile_requests(client, known):
    """One fixture for all of them (a fixture per case would cost seconds)."""
    answered = {
        (url, method): check(client, url, method).status_code
        for url, _status in KNOWN_CASES
        for method in ("get", "head")
    }

    assert answered == {
        (url, method): status for url, status in KNOWN_CASES for method in ("get", "head")
    }


WHOLE = "A whole number from %s to %s is required."
CONTROL = "Control characters (such as NUL) are not accepted."
TOO_LONG = "At most 200 characters are accepted."
STARS = "Enter a number of stars from 0 to 100 with at most three decimals, such as 0.25."


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/api/editions/1st/tasks/?limit=201",
            {"limit": ["A whole number from 1 to 200 is required."]},
        ),
        (
            "/api/editions/1st/tasks/?q=%00",
            {"q": ["Control characters (such as NUL) are not accepted."]},
        ),
        ("/editions/1st/tasks.csv?q=%FF", {"q": ["The value is not valid UTF-8 text."]}),
        (
            "/leaderboard.csv?track=" + "x" * 201,
            {"track": ["At most 200 characters are accepted."]},
        ),
        ("/editions/1st/tasks.csv?stars=1E-999999999", {"stars": [STARS]}),
    ],
)
def test_a_400_says_which_parameter_and_what_it_accepts(client, known, url, message):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert (response.status_code, response.json()) == (400, message)


def test_a_page_400_lists_the_problem_in_the_visitors_language(client, known):
    english = client.get("/editions/1st/leaderboard/?page=0", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/editions/1st/leaderboard/?page=0")

    assert english.status_code == chinese.status_code == 400
    assert "<li><code>page</code>: A whole number from 1 to 1000000 is required.</li>" in (
        english.content.decode()
    )
    with translation.override("zh-hans"):
        expected = translation.gettext("A whole number from %(low)s to %(high)s is required.")
    assert expected % {"low": 1, "high": 1000000} in chinese.content.decode()


def test_a_streamed_export_is_validated_before_its_first_byte(client, known):
    """A 200 export is read to its end; a bad filter never starts one."""
    good = client.get("/editions/1st/tasks.csv?stars_min=0.5&sort=-stars")
    bad = client.get("/editions/1st/tasks.csv?stars_min=0.0001")

    assert (good.status_code, good.streaming) == (200, True)
    rows = list(csv.reader(body_of(good).decode("utf-8-sig").splitlines()))
    assert [row[2] for row in rows[1:]] == ["NO.1", "NO.2"]
    assert (bad.status_code, bad.streaming, list(bad.json())) == (400, False, ["stars_min"])
