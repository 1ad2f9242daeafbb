from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from hackathon.access import get_edition_or_404, visible_editions
from hackathon.caching import public_response
from hackathon.charts import editions_chart, progress_of
from tasks.progress import completion_days
from tasks.stats import edition_summary, editions_figures


@public_response()
def home(request):
    editions = list(visible_editions(request.user))
    figures = editions_figures(editions)
    rows = [(edition, figures[edition.pk]) for edition in editions]
    # Drafts (which organizers see listed) are never drawn.
    public = sorted((edition for edition in editions if edition.is_public), key=lambda e: e.number)
    chart = editions_chart([(e.local_name, e.number, figures[e.pk]) for e in public])
    return render(request, "hackathon/home.html", {"rows": rows, "chart": chart})


@public_response()
def edition_detail(request, slug):
    edition = get_edition_or_404(slug, request.user)
    summary = edition_summary(edition)
    days = completion_days(track__edition=edition)
    return render(
        request,
        "hackathon/edition_detail.html",
        {
            "edition": edition,
            "results_state": edition.results_state(),
            "figures": summary.figures,
            "track_rows": summary.tracks,
            "board": summary.board,
            **progress_of(days, edition, summary.figures.tasks_published),
        },
    )


def not_found(request, exception):
    """The 404 of an address that no view answers: JSON under /api/, like the API's other
    errors; the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
