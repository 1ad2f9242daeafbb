"""GET /api/editions/<slug>/leaderboard/ and GET /api/leaderboard/: the boards as JSON;
GET /api/certificates/<serial>/: what a certificate says."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from hackathon.models import Edition
from participants.certificates import certified_works, get_certificate_or_404
from participants.leaderboard import all_time_board, edition_board
from participants.rendering import verification_url
from tracks.choices import TrackKind

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class StandingSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    login = serializers.CharField()
    name = serializers.CharField(help_text="Display name; empty when unknown.")
    points = serializers.FloatField()
    tasks_completed = serializers.IntegerField()
    reward = serializers.FloatField(allow_null=True, help_text="CNY; null when not known.")


class LeaderboardSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = StandingSerializer(many=True)


def _window(request):
    """(offset, limit) from the query string, or a 400 that says which parameter is wrong."""
    values = {}
    for name, default, largest in [("offset", 0, None), ("limit", DEFAULT_LIMIT, MAX_LIMIT)]:
        raw = request.query_params.get(name, "")
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise ValidationError({name: ["A whole number is required."]}) from None
        if value < 0 or (largest is not None and value > largest):
            limit = f" and at most {largest}" if largest else ""
            raise ValidationError({name: [f"Must be at least 0{limit}."]})
        values[name] = value
    return values["offset"], values["limit"]


def _page(request, board):
    offset, limit = _window(request)
    data = {"count": len(board), "results": board[offset : offset + limit] if limit else []}
    return Response(LeaderboardSerializer(data).data)


WINDOW_PARAMETERS = [
    OpenApiParameter(
        "limit", OpenApiTypes.INT, description=f"Rows per page (at most {MAX_LIMIT})."
    ),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Rows to skip."),
]


@extend_schema(
    parameters=[
        OpenApiParameter("track", OpenApiTypes.STR, description="A track's slug."),
        *WINDOW_PARAMETERS,
    ],
    responses={200: LeaderboardSerializer, 404: OpenApiResponse(description="No such edition.")},
)
@api_view(["GET"])
def edition_leaderboard(request, slug):
    """The edition's leaderboard (or one track's), ranked by the rule stated in DESIGN.md."""
    edition = get_object_or_404(Edition.objects.public(), slug=slug)
    track = None
    if request.query_params.get("track"):
        track = edition.tracks.filter(slug=request.query_params["track"]).first()
        if track is None:
            raise NotFound("No such track in this edition.")
    return _page(request, edition_board(edition, track))


@extend_schema(
    parameters=[
        OpenApiParameter("track", OpenApiTypes.STR, enum=TrackKind.values, description="A kind."),
        *WINDOW_PARAMETERS,
    ],
    responses={200: LeaderboardSerializer},
)
@api_view(["GET"])
def leaderboard(request):
    """The all-time leaderboard over every public edition."""
    kind = request.query_params.get("track") or None
    if kind is not None and kind not in TrackKind.values:
        raise ValidationError({"track": [f"Choose one of {', '.join(TrackKind.values)}."]})
    return _page(request, all_time_board(list(Edition.objects.public()), kind))


class CertificateEditionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    number = serializers.IntegerField()


class CertificateTrackSerializer(serializers.Serializer):
    slug = serializers.CharField()
    kind = serializers.ChoiceField(choices=TrackKind.values)
    name = serializers.CharField()


class CertifiedWorkSerializer(serializers.Serializer):
    batch = serializers.CharField(help_text="Empty when the track has no batches.")
    code = serializers.CharField()
    title = serializers.CharField()
    grade = serializers.CharField(help_text="The camp grade (pass, good, ...); empty when none.")
    points = serializers.FloatField()
    reward = serializers.FloatField(allow_null=True, help_text="CNY; null when not known.")


class CertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    valid = serializers.BooleanField(help_text="False once the certificate is revoked.")
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField(help_text="Empty unless revoked.")
    issued_on = serializers.DateField()
    login = serializers.CharField()
    name = serializers.CharField(help_text="Display name; empty when unknown.")
    edition = CertificateEditionSerializer()
    track = CertificateTrackSerializer()
    works = CertifiedWorkSerializer(many=True)
    verification_url = serializers.URLField()
    png_url = serializers.URLField()
    pdf_url = serializers.URLField()


@extend_schema(
    responses={
        200: CertificateSerializer,
        404: OpenApiResponse(description="No such certificate, or its edition is not public."),
    },
)
@api_view(["GET"])
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
        "verification_url": verification_url(certificate),
        "png_url": settings.SITE_URL + reverse("certificate_png", args=[certificate.serial]),
        "pdf_url": settings.SITE_URL + reverse("certificate_pdf", args=[certificate.serial]),
    }
    return Response(CertificateSerializer(data).data)
