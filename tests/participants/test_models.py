import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from participants.models import Participant, parse_logins
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_logins_are_unique_case_insensitively():
    ParticipantFactory(login="NKNaN")

    with pytest.raises(IntegrityError, match="participant_unique_login_ci"):
        ParticipantFactory(login="nknan")


def test_people_are_found_by_login_in_any_case():
    person = ParticipantFactory(login="NKNaN")

    assert list(Participant.objects.by_login("nkNAN")) == [person]
    assert list(Participant.objects.by_logins(["NKNAN", "other"])) == [person]


@pytest.mark.parametrize("login", ["-leading", "has space", "a" * 40, "中文", ""])
def test_login_validation_rejects_what_github_would(login):
    with pytest.raises(ValidationError):
        Participant(login=login).full_clean()


def test_login_validation_accepts_real_logins():
    Participant(login="Eddie-Wang1120").full_clean()


def test_a_duplicate_login_is_explained_in_forms():
    ParticipantFactory(login="NKNaN")

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        Participant(login="nknan").full_clean()

    assert raised.value.messages == [
        "A person with this GitHub login already exists (logins ignore case)."
    ]


def test_parse_logins_splits_on_any_separator_and_keeps_the_first_spelling():
    assert parse_logins(" alice; @Bob,ALICE；＠carol  dave ") == ["alice", "Bob", "carol", "dave"]
    assert parse_logins("") == []
