from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from hackathon.models import Edition
from tasks.models import Work
from tasks.stats import edition_figures

pytestmark = pytest.mark.django_db


def load_demo():
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_loads_the_sixth_edition_as_a_public_edition_with_its_figures():
    output = load_demo()

    sixth = Edition.objects.get(slug="6th")
    assert (sixth.number, sixth.is_public, sixth.yuan_per_star) == (6, True, 2000)
    figures = edition_figures(sixth)
    assert (figures.tasks_published, figures.tasks_completed, figures.developers_completed) == (
        89,
        67,
        41,
    )
    assert "Demo organizer (demo only): user 'organizer', password 'hackathon-demo'" in output
    assert "certificates: 47 issued." in output


def test_demo_runs_twice_and_changes_nothing_the_second_time():
    load_demo()
    before = list(Work.objects.values_list("pk", "updated_at"))

    output = load_demo()

    assert list(Work.objects.values_list("pk", "updated_at")) == before
    assert "pieces of work: 0 created, 0 updated, 70 unchanged." in output
    assert "certificates: 0 issued." in output


def test_the_demo_organizer_can_sign_in_to_the_admin():
    load_demo()
    client = Client()

    assert client.login(username="organizer", password="hackathon-demo")
    assert client.get("/admin/tasks/task/").status_code == 200
    assert get_user_model().objects.get(username="organizer").groups.get().name == "Organizers"


def test_loading_the_demo_again_keeps_the_organizer_signed_in():
    load_demo()
    client = Client()
    client.login(username="organizer", password="hackathon-demo")

    load_demo()

    assert client.get("/admin/tasks/task/").status_code == 200  # not sent to the login page


def test_the_demo_titles_have_no_markdown_escapes():
    load_demo()

    assert Work.objects.filter(task__title__contains="\\").count() == 0
    assert Work.objects.filter(task__title__contains="bernoulli_ / log_normal_").exists()
