"""The API against its own OpenAPI document (/api/openapi.json), with schemathesis.

schemathesis draws requests from the document's operations and parameter schemas (Hypothesis
strategies; positive ones conform to the schema, negative ones break it), the Django test client
sends them (it keeps the test's database connection, which a bare WSGI call would close), and
schemathesis's checks judge the responses: never a 500, only documented status codes, and
headers and bodies as documented (a 400's {parameter: [messages]}, a 429's Retry-After).
"""

import pytest
import requests
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from participants.certificates import issue_certificates
from tests.factories import EditionFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

DOCUMENT = SchemaGenerator().get_schema(request=None, public=True)
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# What the fixture holds, so that the documented 200s are drawn too, not only 404s.
KNOWN = {"slug": "1st", "login": "alice", "serial": "PH1-IND-0001"}


@pytest.fixture
def edition(db, settings):
    settings.RATELIMIT_ENABLE = False  # counted in test_ratelimits.py
    edition = EditionFactory(number=1, slug="1st", yuan_per_star=2000)
    track = TrackFactory(edition=edition, kind="individual")
    WorkFactory(task__track=track, task__code="NO.1", task__stars=2, contributors=["alice"])
    WorkFactory(task__track=track, task__code="NO.2", task__stars=0.5, contributors=["bob"])
    issue_certificates(edition)
    return edition


def send(client, case):
    """The case through the Django test client, as schemathesis's Response."""
    path = case.formatted_path
    query = {name: value for name, value in (case.query or {}).items() if value is not None}
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in (case.headers or {}).items()
    }
    request = requests.Request(case.method, f"http://testserver{path}", params=query).prepare()
    query_string = request.url.partition("?")[2]
    response = client.generic(case.method, path, QUERY_STRING=query_string, **headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=request,
        elapsed=0.0,
        verify=False,
    )


def check(case):
    client = Client()
    case.validate_response(send(client, case), checks=CHECKS)


def bounded(examples):
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@given(
    case=st.one_of(
        SCHEMA.as_strategy(),
        SCHEMA.as_strategy(path_parameters=KNOWN),
    )
)
@bounded(80)
def test_requests_that_conform_are_answered_as_documented(edition, case):
    check(case)


@given(case=SCHEMA.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))
@bounded(40)
def test_requests_that_break_the_schema_are_never_a_server_error(edition, case):
    check(case)


def parameters(path):
    return {p["name"]: p for p in DOCUMENT["paths"][path]["get"]["parameters"]}


def test_the_document_states_the_bounds_and_the_errors():
    tasks = parameters("/api/editions/{slug}/tasks/")
    board = parameters("/api/leaderboard/")

    assert tasks["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert tasks["offset"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 10**9}
    assert tasks["stars_min"]["schema"] == {"type": "number", "minimum": 0, "maximum": 100}
    assert tasks["q"]["schema"] == {"type": "string", "maxLength": 100}
    assert board["limit"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 1000}
    statuses = {
        path: sorted(operation["get"]["responses"]) for path, operation in DOCUMENT["paths"].items()
    }
    assert statuses == {
        "/api/certificates/{serial}/": ["200", "404"],
        "/api/editions/": ["200", "400", "429"],
        "/api/editions/{slug}/": ["200", "404"],
        "/api/editions/{slug}/leaderboard/": ["200", "400", "404", "429"],
        "/api/editions/{slug}/tasks/": ["200", "400", "404", "429"],
        "/api/leaderboard/": ["200", "400", "429"],
        "/api/people/{login}/": ["200", "404"],
    }
    too_many = DOCUMENT["paths"]["/api/leaderboard/"]["get"]["responses"]["429"]
    assert too_many["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
