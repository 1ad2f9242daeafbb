import datetime
import importlib
from types import SimpleNamespace

import factory
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from hackathon.models import Edition
from participants.models import Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution, Direction, Task, Work
from tracks.choices import TrackKind
from tracks.models import Milestone, Track


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["slug"]

    number = factory.Sequence(lambda n: n + 1)
    slug = factory.LazyAttribute(lambda o: f"{o.number}th")
    name = factory.LazyAttribute(lambda o: f"PaddlePaddle Hackathon {o.number}th")
    starts_on = datetime.date(2024, 9, 14)
    is_public = True
    yuan_per_star = 2000


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    edition = factory.SubFactory(EditionFactory)
    kind = TrackKind.INDIVIDUAL
    name = factory.LazyAttribute(lambda o: TrackKind(o.kind).label)
    slug = factory.LazyAttribute(lambda o: o.kind)


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction
        django_get_or_create = ["name"]

    name = "框架开发"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    track = factory.SubFactory(TrackFactory)
    code = factory.Sequence(lambda n: f"NO.{n + 1}")
    title = factory.LazyAttribute(lambda o: f"Task {o.code}")
    stars = 1


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    login = factory.Sequence(lambda n: f"dev-{n:04d}")


class WorkFactory(factory.django.DjangoModelFactory):
    """A piece of work; ``contributors`` is a list of people (or logins) to add."""

    class Meta:
        model = Work
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory)
    status = WorkStatus.COMPLETED

    @factory.post_generation
    def contributors(self, create, people, **kwargs):
        if not create or not people:
            return
        for person in people:
            if isinstance(person, str):
                person, _ = Participant.objects.get_or_create(login=person)
            Contribution.objects.create(work=self, participant=person)
        self.refresh_identity()


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    track = factory.SubFactory(TrackFactory, kind=TrackKind.CAMP)
    kind = "weekly_report"
    held_on = datetime.date(2024, 10, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


# The data migrations that make the Organizers group and give it its permissions, in order.
ORGANIZERS_MIGRATIONS = [
    ("participants.migrations.0002_organizers_group", "create_organizers_group"),
    ("participants.migrations.0005_organizers_certificate_permissions", "grant"),
    ("results.migrations.0003_organizers_permissions", "grant"),
    ("github_sync.migrations.0002_organizers_permissions", "grant"),
    ("tracks.migrations.0006_announced_figures", "grant"),
]


def organizers_group():
    """The Organizers group as the migrations make it. A transactional test (the browser tests)
    flushes every table when it ends, data migrations' rows included: the group is then made
    again the way the migrations made it, whichever test runs next on this worker."""
    group = Group.objects.filter(name="Organizers").first()
    if group is None:
        editor = SimpleNamespace(connection=connection)
        for module, function in ORGANIZERS_MIGRATIONS:
            getattr(importlib.import_module(module), function)(global_apps, editor)
        group = Group.objects.get(name="Organizers")
    return group
