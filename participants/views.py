from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from hackathon.access import get_edition_or_404, get_track_or_404, visible_editions
from hackathon.caching import public_response
from hackathon.params import page_number
from participants.certificates import (
    certified_works,
    get_certificate_or_404,
    honour_of,
    linkedin_url,
)
from participants.honour_roll import honour_roll_for
from participants.leaderboard import all_time_board, edition_board
from participants.profile import public_profile_or_404
from participants.rendering import (
    png_size,
    png_url,
    render_pdf,
    render_png,
    verification_url,
)
from tracks.access import kind_or_404
from tracks.choices import TrackKind

PAGE_SIZE = 50


def _board_context(request, board):
    # A page beyond the last is the last; one that is not a page number is a 400.
    return {"page_obj": Paginator(board, PAGE_SIZE).get_page(page_number(request.GET))}


@public_response("track", "page")
def edition_leaderboard(request, slug):
    edition = get_edition_or_404(slug, request.user)
    tracks = list(edition.tracks.all())
    track = get_track_or_404(tracks, request.GET.get("track"))
    return render(
        request,
        "participants/leaderboard.html",
        {
            "edition": edition,
            "track_choices": [(t.slug, t.local_name) for t in tracks],
            "selected_track": track.slug if track else "",
            # The honour goes with the edition's board, not a track's.
            "honour": "" if track else edition.honour,
            **_board_context(request, edition_board(edition, track)),
        },
    )


@public_response("track", "page")
def leaderboard(request):
    editions = list(visible_editions())
    kind = kind_or_404(request.GET.get("track"))
    return render(
        request,
        "participants/leaderboard.html",
        {
            "edition": None,
            "editions": editions,
            "track_choices": TrackKind.choices,
            "selected_track": kind or "",
            **_board_context(request, all_time_board(kind)),
        },
    )


@public_response()
def participant_detail(request, login):
    person, profile = public_profile_or_404(login, request.user)
    return render(
        request,
        "participants/participant_detail.html",
        {"person": person, "profile": profile, "all_time": profile.all_time},
    )


@public_response()
def honour_roll(request, slug):
    """The completion list as the organizers publish it, per track: task, people, stars, reward."""
    edition = get_edition_or_404(slug, request.user)
    return render(
        request,
        "participants/honour_roll.html",
        {"edition": edition, "tracks": honour_roll_for(edition)},
    )


@public_response("serial")
def certificate_lookup(request):
    """/certificates/?serial=…: the certificate with that serial (any case), or the form again
    saying there is none (a 404)."""
    serial = request.GET.get("serial", "").strip()
    if serial:
        try:
            certificate = get_certificate_or_404(serial, request.user)
        except Http404:
            context = {"serial": serial, "not_found": True}
            return render(request, "participants/certificate_lookup.html", context, status=404)
        return redirect(certificate)
    return render(request, "participants/certificate_lookup.html", {"serial": ""})


@public_response()
def certificate_detail(request, serial):
    """What the certificate says, and whether it is valid or revoked, with its downloads."""
    certificate = get_certificate_or_404(serial, request.user)
    works = certified_works([certificate])[certificate.pk]
    edition = certificate.track.edition
    honour = honour_of(certificate)
    return render(
        request,
        "participants/certificate_detail.html",
        {
            "certificate": certificate,
            "person": certificate.participant,
            "track": certificate.track,
            "edition": edition,
            "honour": honour,
            "linkedin_url": linkedin_url(certificate),
            "png_url": png_url(certificate),
            "png_size": png_size(certificate, works, honour),
            "works": works,
            "verification_url": verification_url(certificate),
        },
    )


def _rendered(request, serial, fmt, render_file, content_type):
    """The certificate's rendering (cached whole with the page's other responses)."""
    certificate = get_certificate_or_404(serial, request.user)
    works = certified_works([certificate])[certificate.pk]
    content = render_file(certificate, works, honour_of(certificate))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{certificate.serial}.{fmt}"
    )
    return response


@public_response()
def certificate_png(request, serial):
    return _rendered(request, serial, "png", render_png, "image/png")


@public_response()
def certificate_pdf(request, serial):
    return _rendered(request, serial, "pdf", render_pdf, "application/pdf")
