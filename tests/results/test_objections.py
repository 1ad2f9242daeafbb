import datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from results.models import Objection
from results.objections import answer_objection, file_objection
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
PUBLISHED = datetime.datetime(2025, 1, 26, 12, 0, tzinfo=BEIJING)
# "Objections until 2025-01-30 24:00" (the seed post).
DEADLINE = datetime.datetime(2025, 1, 31, 0, 0, tzinfo=BEIJING)
FORM = "/editions/7th/objections/new/"
LIST = "/editions/7th/objections/"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # the rate limits count in the cache


@pytest.fixture
def edition(db):
    edition = EditionFactory(
        number=7, slug="7th", results_published_at=PUBLISHED, objections_close_at=DEADLINE
    )
    WorkFactory(
        task=TaskFactory(track=TrackFactory(edition=edition), code="NO.28"),
        contributors=["zeroRains"],
    )
    return edition  # fmt: skip


def objection(**changes):
    return {
        "name": "Li Lei",
        "github_login": "@lilei",
        "email": "lilei@example.com",
        "subject": "task",
        "subject_ref": "No.28",
        "reason": "My PR for No.28 was merged on 2025-01-10.",
        "links": "https://github.com/PaddlePaddle/Paddle/pull/70001",
        "website": "",
        **changes,
    }


def post(client, data, address="10.0.0.1"):
    return client.post(FORM, data, HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (PUBLISHED - datetime.timedelta(seconds=1), False),
        (PUBLISHED, True),
        (DEADLINE - datetime.timedelta(seconds=1), True),
        (DEADLINE, False),
    ],
)
def test_the_form_opens_and_closes_on_the_exact_deadline(client, edition, moment, open_):
    with time_machine.travel(moment, tick=False):
        page = client.get(FORM, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        response = post(client, objection())

    assert ('name="reason"' in page) is open_
    assert response.status_code == (302 if open_ else 403)
    assert Objection.objects.count() == (1 if open_ else 0)
    if not open_ and moment >= DEADLINE:
        assert "Objections are closed: the window ended on 2025-01-30 24:00" in page


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
def test_a_filed_objection_is_public_without_its_email(client, edition):
    response = post(client, objection())

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#objection-1"
    filed = Objection.objects.get()
    assert (filed.number, filed.github_login, filed.subject_ref) == (1, "lilei", "No.28")
    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "#1 · A task: No.28" in page and "Filed by @lilei" in page
    assert "lilei@example.com" not in page and "Li Lei" not in page


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
def test_the_honeypot_keeps_nothing(client, edition):
    response = post(client, objection(website="http://spam.example"))

    assert response.status_code == 302
    assert Objection.objects.count() == 0


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject_ref": "NO.99"}, "subject_ref", "This edition has no task “NO.99”."),
        ({"subject": "person", "subject_ref": "bad!login"}, "subject_ref", "Enter a GitHub login"),
        ({"links": "javascript:alert(1)"}, "links", "“javascript:alert(1)” is not an http(s) URL."),
        ({"links": " ".join(f"https://x.org/{n}" for n in range(11))}, "links", "At most 10 links"),
        ({"reason": "x" * 5001}, "reason", "at most 5000 characters"),
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"reason": "a\x00b"}, "reason", "Null characters are not allowed."),
    ],
)  # fmt: skip
def test_bad_fields_are_named_and_nothing_is_kept(client, edition, changes, field, message):
    response = post(client, objection(**changes))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Objection.objects.count() == 0


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
def test_the_rate_limits_hold_under_a_burst(client, edition, settings):
    settings.OBJECTIONS_PER_ADDRESS = "3/h"
    settings.OBJECTIONS_PER_LOGIN = "2/d"

    by_address = [post(client, objection(github_login=f"dev{n}")).status_code for n in range(5)]
    by_login = [post(client, objection(), address=f"10.0.1.{n}").status_code for n in range(4)]

    assert by_address == [302, 302, 302, 429, 429]
    assert by_login == [302, 302, 429, 429]
    assert Objection.objects.count() == 5


@time_machine.travel(PUBLISHED + datetime.timedelta(days=2), tick=False)
def test_an_answer_is_public_and_emailed_to_who_filed(client, edition, settings):
    settings.SITE_URL = "https://hackathon.example"
    filed = file_objection(
        edition, **{k: v for k, v in objection(github_login="lilei").items() if k != "website"}
    )

    answer_objection(filed, "accepted", "Your PR counts: No.28 is now completed by you.")

    page = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Accepted" in page and "Your PR counts" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lilei@example.com"]
    assert message.subject == (
        "Your objection #1 to the results of PaddlePaddle Hackathon 7th: Accepted"
    )
    assert "https://hackathon.example/editions/7th/objections/" in message.body  # fmt: skip


def test_organizers_answer_in_the_admin(organizer_client, edition):
    with time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False):
        filed = file_objection(
            edition, **{k: v for k, v in objection(github_login="lilei").items() if k != "website"}
        )
    url = f"/admin/results/objection/{filed.pk}/change/"

    response = organizer_client.post(
        url, {"outcome": "rejected", "answer": "The PR was merged after the deadline."}
    )

    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.outcome, filed.answered_at is not None) == ("rejected", True)
    assert mail.outbox[0].to == ["lilei@example.com"]


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.dictionaries(
        st.sampled_from(
            ["name", "github_login", "email", "subject", "subject_ref", "reason", "links"]
        ),
        st.text(max_size=300),
    )
)
def test_no_input_is_a_server_error(client, edition, settings, values):
    settings.OBJECTIONS_PER_ADDRESS = "10000/h"
    settings.OBJECTIONS_PER_LOGIN = "10000/h"

    response = post(client, {**objection(), **values})

    assert response.status_code in (302, 400)


@time_machine.travel(PUBLISHED + datetime.timedelta(days=1), tick=False)
def test_reading_the_form_writes_nothing(client, edition):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(FORM).status_code == 200

    writes = ("INSERT", "UPDATE", "DELETE")
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith(writes)] == []
