from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from hackathon.api.serializers import EditionDetailSerializer, EditionSerializer
from hackathon.models import Edition
from tasks.stats import cached_editions_figures, edition_summary


@extend_schema(responses=EditionSerializer(many=True))
@api_view(["GET"])
def edition_list(request):
    """Public editions, newest first, with their figures."""
    editions = list(Edition.objects.public())
    context = {"edition_figures": cached_editions_figures(editions)}
    return Response(EditionSerializer(editions, many=True, context=context).data)


@extend_schema(responses=EditionDetailSerializer)
@api_view(["GET"])
def edition_detail(request, slug):
    """A public edition with its figures and each track's; drafts are a 404."""
    edition = get_object_or_404(Edition.objects.public(), slug=slug)
    summary = edition_summary(edition)
    context = {"edition_figures": {edition.pk: summary.figures}, "tracks": summary.tracks}
    return Response(EditionDetailSerializer(edition, context=context).data)
