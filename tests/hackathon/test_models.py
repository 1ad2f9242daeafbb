import datetime
import zoneinfo

import pytest
from django.db import IntegrityError
from django.db.models import ProtectedError

from hackathon.models import Edition, ResultsState
from tests.factories import EditionFactory, TrackFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_edition_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError, match="edition_ends_after_start"):
        EditionFactory(starts_on=datetime.date(2024, 9, 14), ends_on=datetime.date(2024, 9, 13))


def test_objections_cannot_close_before_results_are_published():
    with pytest.raises(IntegrityError, match="edition_objections_close_after_publication"):
        EditionFactory(
            results_published_at=datetime.datetime(2025, 1, 26, tzinfo=BEIJING),
            objections_close_at=datetime.datetime(2025, 1, 25, tzinfo=BEIJING),
        )


def test_objection_window_needs_published_results():
    with pytest.raises(IntegrityError, match="edition_objections_close_after_publication"):
        EditionFactory(objections_close_at=datetime.datetime(2025, 1, 25, tzinfo=BEIJING))


def test_edition_numbers_are_unique():
    EditionFactory(number=7, slug="7th")

    with pytest.raises(IntegrityError):
        Edition.objects.create(number=7, slug="seventh", name="x", starts_on="2024-09-14")


def test_deleting_an_edition_with_tracks_is_refused():
    track = TrackFactory()

    with pytest.raises(ProtectedError):
        track.edition.delete()


def test_results_are_final_at_once_without_an_objection_window():
    edition = EditionFactory(results_published_at=datetime.datetime(2025, 1, 26, tzinfo=BEIJING))

    assert edition.results_state(now=datetime.datetime(2025, 1, 26, tzinfo=BEIJING)) == (
        ResultsState.FINAL
    )


def test_unpublished_results_are_in_progress():
    edition = EditionFactory()

    assert edition.results_state() == ResultsState.IN_PROGRESS
