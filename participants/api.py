"""GET /api/editions/<slug>/leaderboard/ and GET /api/leaderboard/: the boards as JSON;
GET /api/certificates/<serial>/: what a certificate says; GET /api/people/<login>/: a profile."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from hackathon.access import get_edition_or_404, get_track_or_404
from hackathon.caching import public_response
from hackathon.openapi import TOO_MANY_REQUESTS
from hackathon.pagination import BoundedPagination
from hackathon.params import MAX_VALUE_LENGTH, BadParameters
from hackathon.ratelimits import rate_limited
from participants.certificates import certified_works, get_certificate_or_404, honour_of
from participants.leaderboard import all_time_board, edition_board
from participants.profile import public_profile_or_404
from participants.rendering import png_url, verification_url
from participants.serializers import CertificateSerializer, LeaderboardSerializer, PersonSerializer
from tracks.access import kind_or_404
from tracks.choices import TrackKind


class BoardPagination(BoundedPagination):
    """A board's rows: 100 by default, up to 1,000; ``limit=0`` asks for the count alone."""

    default_limit = 100
    max_limit = 1000
    min_limit = 0


def _page(request, board):
    offset, limit = BoardPagination().window(request)
    data = {"count": len(board), "results": board[offset : offset + limit] if limit else []}
    return Response(LeaderboardSerializer(data).data)


WINDOW_PARAMETERS = BoardPagination.parameters("Rows")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "track",
            {"type": "string", "maxLength": MAX_VALUE_LENGTH},
            description="A track's slug.",
        ),
        *WINDOW_PARAMETERS,
    ],
    responses={
        200: LeaderboardSerializer,
        404: OpenApiResponse(description="No such edition, or no such track in it."),
        429: TOO_MANY_REQUESTS,
    },
)
@public_response("track", "limit", "offset")
@rate_limited("api_lists")
@api_view(["GET", "HEAD"])
def edition_leaderboard(request, slug):
    """The edition's leaderboard (or one track's), ranked by the rule in docs/figures.md."""
    edition = get_edition_or_404(slug)
    track = get_track_or_404(edition.tracks.all(), request.query_params.get("track"))
    return _page(request, edition_board(edition, track))


@extend_schema(
    parameters=[
        OpenApiParameter("track", OpenApiTypes.STR, enum=TrackKind.values, description="A kind."),
        *WINDOW_PARAMETERS,
    ],
    responses={200: LeaderboardSerializer, 429: TOO_MANY_REQUESTS},
)
@public_response("track", "limit", "offset")
@rate_limited("api_lists")
@api_view(["GET", "HEAD"])
def leaderboard(request):
    """The all-time leaderboard over every public edition."""
    try:
        kind = kind_or_404(request.query_params.get("track"))
    except Http404:  # the API names what it accepts
        message = _("Choose one of %(kinds)s.") % {"kinds": ", ".join(TrackKind.values)}
        raise BadParameters({"track": [message]}) from None
    return _page(request, all_time_board(kind))


@extend_schema(
    responses={
        200: CertificateSerializer,
        404: OpenApiResponse(description="No such certificate, or its edition is not public."),
    },
)
@public_response()
@api_view(["GET", "HEAD"])
def certificate_detail(request, serial):
    """What a certificate says, and whether it is valid: the verification page as JSON."""
    certificate = get_certificate_or_404(serial)
    works = certified_works([certificate])[certificate.pk]
    edition, track, person = (
        certificate.track.edition,
        certificate.track,
        certificate.participant,
    )
    data = {
        "serial": certificate.serial,
        "valid": certificate.is_valid,
        "revoked_at": certificate.revoked_at,
        "revocation_reason": certificate.revocation_reason,
        "issued_on": certificate.issued_on,
        "login": person.login,
        "name": person.name,
        "edition": edition,
        "track": track,
        "works": works,
        "honour": {"name": edition.honour_name, "name_en": edition.honour_name_en}
        if honour_of(certificate)
        else None,
        "verification_url": verification_url(certificate),
        "png_url": png_url(certificate),
        "pdf_url": settings.SITE_URL + reverse("certificate_pdf", args=[certificate.serial]),
    }
    return Response(CertificateSerializer(data).data)


def _work(track, contribution):
    work, task = contribution.work, contribution.work.task
    completed = work.is_completed
    return {
        "track": track.slug,
        "code": task.code,
        "title": task.title,
        "status": work.status,
        "grade": work.grade or None,
        "points": contribution.points if completed else None,
        "reward": contribution.reward if completed else None,
    }


def _edition(part):
    standing = part.standing or {"rank": None, "points": 0, "tasks_completed": 0}
    return {
        "slug": part.edition.slug,
        "name": part.edition.name,
        **standing,
        "works": [
            _work(track, contribution)
            for track, contributions in part.tracks
            for contribution in contributions
        ],
    }


@extend_schema(
    responses={
        200: PersonSerializer,
        404: OpenApiResponse(description="Nobody with this login has public results."),
    },
)
@public_response()
@api_view(["GET", "HEAD"])
def person_detail(request, login):
    """A person's public profile (the login ignores case): ranks, work, mentorships and
    certificates in the public editions."""
    person, profile = public_profile_or_404(login)
    data = {
        "login": person.login,
        "name": person.name,
        "affiliation": person.affiliation,
        "pfcc_member_since": person.pfcc_member_since,
        "github_url": person.github_url,
        "all_time": profile.all_time,
        "editions": [_edition(part) for part in profile.editions],
        "mentored": [
            {
                "edition": task.track.edition.slug,
                "track": task.track.slug,
                "code": task.code,
                "title": task.title,
            }
            for task in profile.mentored
        ],
        "certificates": [
            {
                "serial": certificate.serial,
                "track": certificate.track.slug,
                "edition": certificate.track.edition.slug,
                "valid": certificate.is_valid,
            }
            for certificate in profile.certificates
        ],
    }
    return Response(PersonSerializer(data).data)
