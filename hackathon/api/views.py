from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from hackathon.access import get_edition_or_404, visible_editions
from hackathon.api.serializers import EditionDetailSerializer, EditionSerializer
from hackathon.caching import public_response
from tasks.stats import edition_summary, editions_figures


class EditionPagination(LimitOffsetPagination):
    """Editions are few: the whole list, unless ``?limit=`` asks for a page."""

    default_limit = None
    max_limit = 100


@extend_schema(
    responses=EditionSerializer(many=True),
    parameters=[
        OpenApiParameter(
            "limit",
            OpenApiTypes.INT,
            description="With it, a page {count, next, previous, results} of at most 100.",
        ),
        OpenApiParameter("offset", OpenApiTypes.INT, description="Editions to skip."),
    ],
)
@public_response("limit", "offset")
@api_view(["GET", "HEAD"])
def edition_list(request):
    """Public editions, newest first, with their figures."""
    paginator = EditionPagination()
    editions = visible_editions()
    page = paginator.paginate_queryset(editions, request)
    rows = list(editions) if page is None else page
    context = {"edition_figures": editions_figures(rows)}
    data = EditionSerializer(rows, many=True, context=context).data
    return Response(data) if page is None else paginator.get_paginated_response(data)


@extend_schema(responses=EditionDetailSerializer)
@public_response()
@api_view(["GET", "HEAD"])
def edition_detail(request, slug):
    """A public edition with its figures and each track's; drafts are a 404."""
    edition = get_edition_or_404(slug)
    summary = edition_summary(edition)
    context = {"edition_figures": {edition.pk: summary.figures}, "tracks": summary.tracks}
    return Response(EditionDetailSerializer(edition, context=context).data)
