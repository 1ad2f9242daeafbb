"""Tracks in the admin, through HTTP (tracks/admin.py)."""

import pytest
from django.urls import reverse

from tests.admin_posts import (
    management,
)
from tests.factories import (
    EditionFactory,
)
from tracks.models import Track

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def test_track_of_another_kind_needs_a_slug_when_its_name_gives_none(organizer_client):
    edition = EditionFactory()

    response = organizer_client.post(
        reverse("admin:tracks_track_add"),
        {
            "edition": str(edition.pk),
            "kind": "other",
            "name": "!!!",
            "slug": "",
            "order": "0",
            **management("milestones", 0),
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "slug": ["Enter a slug: it cannot be made from this name."]
    }
    assert Track.objects.count() == 0
