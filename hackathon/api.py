"""GET /api/editions/ and GET /api/editions/<slug>/: the editions and their figures as JSON;
/api/docs/: the OpenAPI schema (hackathon/openapi.py) as a readable page.

Swagger UI is served from the site itself (drf-spectacular-sidecar's copy, collected with the other
static files), so the docs page works offline and under the site's Content-Security-Policy: no CDN,
no inline script (the page's one script, static/js/api-docs.js, reads the schema's address from the
page). Swagger UI's stylesheet draws its icons as ``data:`` images: this page, and no other, allows
images from ``data:`` URIs.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.shortcuts import render
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from hackathon.access import get_edition_or_404, visible_editions
from hackathon.caching import public_response
from hackathon.openapi import TOO_MANY_REQUESTS
from hackathon.pagination import BoundedPagination, window_parameters
from hackathon.ratelimits import rate_limited
from hackathon.serializers import (
    EditionDetailSerializer,
    EditionPageSerializer,
    EditionSerializer,
)
from tasks.stats import edition_summary, editions_figures


class EditionPagination(BoundedPagination):
    """Editions are few: the whole list, unless ``?limit=`` asks for a page."""

    default_limit = None
    max_limit = 100


@extend_schema(
    operation_id="editions_list",
    responses={
        200: PolymorphicProxySerializer(
            component_name="EditionListOrPage",
            serializers=[EditionSerializer(many=True), EditionPageSerializer],
            resource_type_field_name=None,
            many=False,
        ),
        429: TOO_MANY_REQUESTS,
    },
    parameters=window_parameters("Editions", EditionPagination.max_limit),
)
@public_response("limit", "offset")
@rate_limited("api_lists")
@api_view(["GET", "HEAD"])
def edition_list(request):
    """Public editions, newest first, with their figures: all of them, or with ``limit`` a page
    {count, next, previous, results}."""
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


@csp_replace({"img-src": [SELF, "data:"]})
@public_response()
def api_docs(request):
    return render(request, "hackathon/api_docs.html")
