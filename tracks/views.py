from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from hackathon.access import get_edition_or_404, get_track_or_404
from hackathon.caching import public_response
from hackathon.charts import progress_of
from participants.models import Participant
from tasks.models import Contribution, Task, Work, task_order
from tasks.progress import completion_days
from tasks.stats import milestone_counts, track_summary
from tracks.choices import TrackKind


@public_response()
def track_detail(request, slug, track):
    edition = get_edition_or_404(slug, request.user)
    # Compared in Python (get_track_or_404): a slug the database would refuse is not found.
    track = get_track_or_404(edition.tracks.all(), track)
    if track is None:
        raise Http404("No such track.")
    tasks = Task.objects.filter(track=track)
    summary = track_summary(track)
    days = completion_days(track=track)
    context = {
        "edition": edition,
        "track": track,
        "figures": summary.figures,
        "board": summary.board,
        "milestones": list(track.milestones.all()),
        "milestone_counts": milestone_counts(track),
        **progress_of(days, edition, summary.figures.tasks_published),
    }
    if track.kind != TrackKind.INDIVIDUAL:
        # Camp and Fundable projects are few: list them with mentors, people and grades.
        projects = (
            tasks.published()
            .select_related("direction")
            .prefetch_related(
                Prefetch("mentors", queryset=Participant.objects.order_by("login")),
                Prefetch(
                    "works",
                    queryset=Work.objects.order_by("id").prefetch_related(
                        Prefetch(
                            "contributions",
                            queryset=Contribution.objects.select_related("participant").order_by(
                                "id"
                            ),
                        )
                    ),
                ),
            )
            .order_by(*task_order()[2:])  # within the track
        )
        context["batches"] = [
            (batch, list(rows)) for batch, rows in groupby(projects, key=lambda t: t.batch)
        ]
    return render(request, "tracks/track_detail.html", context)
