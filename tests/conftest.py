import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures never leak between tests."""
    cache.clear()
