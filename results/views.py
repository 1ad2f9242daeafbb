"""The published versions of an edition's results: a list, each version's page, CSV and JSON.

/editions/<slug>/versions/, /editions/<slug>/versions/<n>/, …/<n>.csv, …/<n>.json. What they
show is the version's stored snapshot, never the live results. Drafts are a 404 like their pages.
"""

from decimal import Decimal
from itertools import groupby, pairwise

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from hackathon.access import get_edition_or_404
from hackathon.caching import public_response
from hackathon.exports import export_response, format_or_404
from hackathon.models import in_language
from hackathon.ratelimits import rate_limited
from participants.exports import HONOUR_ROLL_HEADER
from results.changes import changes
from results.forms import ObjectionForm
from results.models import Objection, ResultsVersion
from results.objections import file_objection, window_open
from tasks.models import exact_stars
from tasks.stats import whole_percent

# The largest version number a URL may name (PostgreSQL's integer).
MAX_NUMBER = 2**31 - 1


def get_version_or_404(request, slug, number):
    edition = get_edition_or_404(slug, request.user)
    if number > MAX_NUMBER:
        raise Http404("No such version.")
    version = get_object_or_404(ResultsVersion.objects.filter(edition=edition), number=number)
    return edition, version


@public_response()
def version_list(request, slug):
    edition = get_edition_or_404(slug, request.user)
    versions = ResultsVersion.objects.filter(edition=edition).latest_first().defer("snapshot")
    return render(request, "results/version_list.html", {"edition": edition, "versions": versions})


def with_rates(item):
    """A snapshot's edition or track, with its rates as whole percents and its local name."""
    stats = item["stats"]
    return {
        **item,
        "local_name": in_language(item["name"], item.get("name_en", "")),
        "completion_percent": whole_percent(stats["tasks_completed"], stats["tasks_published"]),
        "submission_percent": whole_percent(stats["tasks_submitted"], stats["tasks_published"]),
    }


@public_response()
def changes_page(request, slug):
    """What moved from each published version to the next, newest first."""
    edition = get_edition_or_404(slug, request.user)
    versions = list(ResultsVersion.objects.filter(edition=edition).order_by("number"))
    steps = [
        (older, newer, changes(older.snapshot, newer.snapshot))
        for older, newer in pairwise(versions)
    ]
    return render(
        request,
        "results/changes.html",
        {"edition": edition, "first": versions[0] if versions else None, "steps": steps[::-1]},
    )


@public_response()
def version_detail(request, slug, number):
    edition, version = get_version_or_404(request, slug, number)
    data = version.snapshot
    tracks = [with_rates(track) for track in data["tracks"]]
    names = {track["name"]: track["local_name"] for track in tracks}
    honour_roll = [
        (names.get(name, name), list(rows))
        for name, rows in groupby(data["honour_roll"], key=lambda row: row["track"])
    ]
    return render(
        request,
        "results/version_detail.html",
        {
            "edition": edition,
            "version": version,
            "figures": with_rates(data["edition"]),
            "tracks": tracks,
            "leaderboard": data["leaderboard"],
            "honour_roll": honour_roll,
        },
    )


def csv_row(row):
    """An honour-roll row of a snapshot as the live export writes it: stars without trailing
    zeros, rewards to the cent."""
    values = dict(row)
    values["stars"] = None if values["stars"] is None else exact_stars(str(values["stars"]))
    if values["reward"] is not None:
        values["reward"] = Decimal(str(values["reward"])).quantize(Decimal("0.01"))
    return [values[column] for column in HONOUR_ROLL_HEADER]


@public_response()
@rate_limited("exports")
def version_export(request, slug, number, format):
    """The version's honour roll as CSV, or the whole version as JSON."""
    format_or_404(format)
    edition, version = get_version_or_404(request, slug, number)
    name = f"results-{edition.slug}-v{version.number}"
    if format == "csv":
        rows = (csv_row(row) for row in version.snapshot["honour_roll"])
        return export_response("csv", HONOUR_ROLL_HEADER, rows, name)
    response = JsonResponse(
        {
            "version": version.number,
            "state": version.state,
            "published_at": version.published_at.isoformat(),
            "note": version.note,
            **version.snapshot,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{name}.json"
    )
    return response


def objection_rate(key):
    """A rate limit from the settings, read when a request is limited (django-ratelimit)."""

    def rate(group, request):
        return getattr(settings, key)

    return rate


@never_cache
@ratelimit(key="ip", rate=objection_rate("OBJECTIONS_PER_ADDRESS"), method="POST", block=False)
@ratelimit(
    key="post:github_login", rate=objection_rate("OBJECTIONS_PER_LOGIN"), method="POST", block=False
)
def objection_new(request, slug):
    """The public objection form, open only while the edition's results are provisional."""
    edition = get_edition_or_404(slug, request.user)
    is_open = window_open(edition)
    status = 200
    form = None
    if is_open:
        form = ObjectionForm(request.POST or None, edition=edition)
        if request.method == "POST":
            if getattr(request, "limited", False):
                form.add_error(
                    None,
                    _(
                        "Too many objections from this address or GitHub login: try again later "
                        "(at most %(address)s per address and %(login)s per login)."
                    )
                    % {
                        "address": settings.OBJECTIONS_PER_ADDRESS,
                        "login": settings.OBJECTIONS_PER_LOGIN,
                    },
                )
                status = 429
            elif form.is_valid():
                fields = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                if form.cleaned_data["website"]:  # a robot: thank it, keep nothing
                    return redirect(reverse("objection_list", args=[edition.slug]))
                objection = file_objection(edition, **fields)
                url = reverse("objection_list", args=[edition.slug])
                return redirect(f"{url}#objection-{objection.number}")
            else:
                status = 400
    elif request.method == "POST":
        status = 403
    return render(
        request,
        "results/objection_form.html",
        {"edition": edition, "form": form, "is_open": is_open},
        status=status,
    )


@public_response()
def objection_list(request, slug):
    """Every objection of the edition by subject, with its outcome and public answer."""
    edition = get_edition_or_404(slug, request.user)
    objections = Objection.objects.filter(edition=edition).defer("email")
    return render(
        request,
        "results/objection_list.html",
        {"edition": edition, "objections": objections},
    )
