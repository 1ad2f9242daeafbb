"""Publishing an edition's results as a version (docs/figures.md, "Published versions").

A version stores what the results said when they were published: the edition's and each track's
figures, the whole leaderboard and the honour roll, as plain JSON. Later edits change the live
pages, never a published version. The first publication sets the edition's
``results_published_at`` (the results become provisional); a final one closes the objection
window now if it is still open (the results become final). After a final version, publishing
again is a correction and needs a note saying why.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hackathon.exports import json_value
from hackathon.models import Edition
from hackathon.serializers import FiguresSerializer
from participants.exports import (
    HONOUR_ROLL_HEADER,
    LEADERBOARD_HEADER,
    honour_roll_rows,
    leaderboard_rows,
)
from participants.leaderboard import edition_board
from results.models import ResultsVersion, VersionState
from tasks.stats import edition_summary


class PublishRefused(Exception):
    """The results cannot be published so; the message says why."""


def snapshot(edition):
    """What the edition's results say now, as JSON-ready data."""
    summary = edition_summary(edition)

    def keyed(header, rows):
        return [dict(zip(header, map(json_value, row), strict=True)) for row in rows]

    return {
        "edition": {
            "slug": edition.slug,
            "number": edition.number,
            "name": edition.name,
            "name_en": edition.name_en,
            "stats": FiguresSerializer(summary.figures).data,
        },
        "tracks": [
            {
                "slug": track.slug,
                "kind": track.kind,
                "name": track.name,
                "name_en": track.name_en,
                "stats": FiguresSerializer(figures).data,
            }
            for track, figures in summary.tracks
        ],
        "leaderboard": keyed(LEADERBOARD_HEADER, leaderboard_rows(edition_board(edition))),
        "honour_roll": keyed(HONOUR_ROLL_HEADER, honour_roll_rows(edition)),
    }


def publish(edition, *, final=False, note="", user=None, now=None, objections_close_at=None):
    """Publish the edition's results as they stand as its next version; returns the version.

    Provisional results need the end of their objection window: ``objections_close_at``, or the
    edition's own."""
    now = now or timezone.now()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        versions = ResultsVersion.objects.filter(edition=edition)
        after_final = versions.filter(state=VersionState.FINAL).exists()
        if after_final and not note.strip():
            raise PublishRefused(
                _(
                    "The results of %(edition)s are final: a new version is a correction and "
                    "needs a note saying why."
                )
                % {"edition": edition.name}
            )
        changed = []
        if edition.results_published_at is None:
            edition.results_published_at = now
            changed.append("results_published_at")
        if objections_close_at is not None:
            if objections_close_at < edition.results_published_at:
                raise PublishRefused(_("Objections cannot close before the results are published."))
            edition.objections_close_at = objections_close_at
            changed.append("objections_close_at")
        if not (final or after_final) and edition.objections_close_at is None:
            raise PublishRefused(
                _(
                    "Provisional results need the end of their objection window: give it "
                    "(--objections-close-at, or the edition's “objections close at” in the admin), "
                    "or publish the final results."
                )
            )
        if (final or after_final) and (
            edition.objections_close_at is None or edition.objections_close_at > now
        ):
            edition.objections_close_at = max(now, edition.results_published_at)
            changed.append("objections_close_at")
        number = (versions.aggregate(Max("number"))["number__max"] or 0) + 1
        edition.published_version = number
        edition.published_version_final = bool(final or after_final)
        edition.save(
            update_fields=[*changed, "published_version", "published_version_final", "updated_at"]
        )
        version = ResultsVersion.objects.create(
            edition=edition,
            number=number,
            state=VersionState.FINAL if final or after_final else VersionState.PROVISIONAL,
            note=note.strip(),
            published_at=now,
            published_by=user,
            snapshot=snapshot(edition),
        )
        # The public pages list the versions: they change now (hackathon/caching.py).
        Edition.objects.filter(pk=edition.pk).results_changed()
        return version
