import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from hackathon.models import Edition
from participants.scores import build_scores
from tests.factories import UserFactory
from tests.seventh import build_seventh_edition

PASSWORD = "correct horse battery staple"


@pytest.fixture
def organizer(db):
    """Staff in the Organizers group: enters editions in the admin."""
    user = UserFactory(username="organizer", is_staff=True)
    user.groups.add(Group.objects.get(name="Organizers"))
    return user


@pytest.fixture
def participant_user(db):
    """A signed-in developer with no staff rights."""
    return UserFactory(username="developer")


@pytest.fixture
def organizer_client(organizer):
    """A client signed in as the organizer (the plain ``client`` stays anonymous)."""
    client = Client()
    client.force_login(organizer)
    return client


@pytest.fixture
def seventh(db):
    """An edition shaped like the seed post's 7th (see tests/seventh.py)."""
    return build_seventh_edition()


@pytest.fixture
def scores_current(db):
    """Bring every edition's scores up to date, as the commit of a change to results does (tests
    run inside a transaction that never commits). Call it before counting a page's queries, so
    that they count what a visitor's request does; tests/participants/test_scores.py counts the
    rebuild itself."""

    def build():
        for edition_id in Edition.objects.values_list("pk", flat=True):
            build_scores(edition_id)

    return build


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures never leak between tests."""
    cache.clear()
