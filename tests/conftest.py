import pytest
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

from hackathon.clock import clock_moved
from hackathon.models import Edition
from participants.models import Participant
from participants.scores import rebuild_all
from tasks.models import Contribution, Direction, Task, TaskTally, Work
from tests.factories import UserFactory, organizers_group
from tests.seventh import build_seventh_edition
from tracks.models import Milestone, Track

Mentor = Task.mentors.through

PASSWORD = "correct horse battery staple"


@pytest.fixture
def english_site(settings):
    """The site in English (its default language is Chinese), for tests that read its messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    """Uploads (staged imports among them) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def organizer(db):
    """Staff in the Organizers group: enters editions in the admin."""
    user = UserFactory(username="organizer", is_staff=True)
    user.groups.add(organizers_group())
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


# What build_seventh_edition() writes, in the order its rows can be inserted.
SEVENTH_MODELS = [
    Direction,
    Participant,
    Edition,
    Track,
    Milestone,
    Task,
    TaskTally,
    Mentor,
    Work,
    Contribution,
]


@pytest.fixture(scope="session")
def seventh_rows(django_db_setup, django_db_blocker):
    """The 7th edition, built once per session through the models (every signal, every score
    refresh), then kept as rows and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_seventh_edition()
        rows = {model: list(model.objects.order_by("pk").values()) for model in SEVENTH_MODELS}
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def seventh(db, seventh_rows):
    """An edition shaped like the seed post's 7th (see tests/seventh.py): its rows inserted as
    they were built, its scores rebuilt, the results clock moved."""
    for model, rows in seventh_rows.items():
        # The standard directions are there already (a data migration).
        model.objects.bulk_create(
            [model(**row) for row in rows], ignore_conflicts=model is Direction
        )
    statements = connection.ops.sequence_reset_sql(no_style(), SEVENTH_MODELS)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    rebuild_all()
    clock_moved()
    return Edition.objects.get(slug="7th")


def pytest_configure(config):
    # Passwords hashed the slow way prove nothing here and cost a third of a second each.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures never leak between tests."""
    cache.clear()
