from django.shortcuts import render

from hackathon.access import get_edition_or_404, visible_editions
from hackathon.charts import edition_chart
from tasks.models import Task
from tasks.stats import direction_board, edition_figures, editions_figures, track_figures


def home(request):
    editions = list(visible_editions(request.user))
    figures = editions_figures(editions)
    rows = [(edition, figures[edition.pk]) for edition in editions]
    chart = edition_chart([(edition.slug, figures) for edition, figures in reversed(rows)])
    return render(request, "hackathon/home.html", {"rows": rows, "chart": chart})


def edition_detail(request, slug):
    edition = get_edition_or_404(slug, request.user)
    tracks = list(edition.tracks.all())
    by_track = track_figures(edition, tracks)
    return render(
        request,
        "hackathon/edition_detail.html",
        {
            "edition": edition,
            "results_state": edition.results_state(),
            "figures": edition_figures(edition),
            "track_rows": [(track, by_track[track.pk]) for track in tracks],
            "board": direction_board(Task.objects.for_edition(edition)),
        },
    )
