"""GET /api/editions/<slug>/tasks/: the task browser's FilterSet, as JSON."""

from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from hackathon.access import get_edition_or_404
from hackathon.caching import public_response
from hackathon.openapi import BAD_PARAMETERS, TOO_MANY_REQUESTS, not_found
from hackathon.pagination import BoundedPagination
from hackathon.params import MAX_VALUE_LENGTH
from hackathon.ratelimits import rate_limited
from tasks.filters import MAX_STARS, TASK_PARAMETERS, StarsFilter, TaskFilter, with_works
from tasks.models import Work
from tasks.serializers import TaskPageSerializer, TaskSerializer
from tasks.stats import reward_expression


class TaskPagination(BoundedPagination):
    default_limit = 50
    max_limit = 200


# What the values of the filters whose choices depend on the edition look like.
VALUE_NOTES = {
    "track": "the track's slug, e.g. camp",
    "batch": "the batch as published, e.g. 提前批",
    "direction": "the direction's name, e.g. 科学计算",
    "sort": "prefix with - for descending order",
}


def filter_parameters(filterset_class, notes=None):
    """The OpenAPI query parameters of a FilterSet, read from its filters (in English)."""
    notes = notes or {}
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        # Static choices are an enum; the edition's tracks, batches and directions are not.
        choices = filter_.extra.get("choices")
        enum = [value for value, _label in choices] if isinstance(choices, list) else None
        if isinstance(filter_, StarsFilter):
            kind = {"type": "number", "minimum": 0, "maximum": MAX_STARS}
        else:
            kind = {
                "type": "string",
                "maxLength": filter_.extra.get("max_length", MAX_VALUE_LENGTH),
            }
        with translation.override("en"):
            texts = [filter_.label, filter_.extra.get("help_text"), notes.get(name)]
            description = "; ".join(str(text) for text in texts if text)
        parameters.append(
            OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)
        )
    return parameters


@extend_schema(
    operation_id="editions_tasks_list",
    parameters=[
        *filter_parameters(TaskFilter, VALUE_NOTES),
        *TaskPagination.parameters("Tasks"),
    ],
    responses={
        200: TaskPageSerializer,
        400: BAD_PARAMETERS,
        404: not_found("No public edition has this slug."),
        429: TOO_MANY_REQUESTS,
    },
)
@public_response(*TASK_PARAMETERS, "limit", "offset")
@rate_limited("api_lists")
@api_view(["GET", "HEAD"])
def task_list(request, slug):
    """An edition's published tasks, with the task browser's filters and sort orders.

    Drafts are a 404. Each task lists its pieces of work with their people and reward.
    """
    edition = get_edition_or_404(slug)
    task_filter = TaskFilter(request.query_params, edition=edition)
    if not task_filter.is_valid():
        errors = {name: list(messages) for name, messages in task_filter.errors.items()}
        return Response(errors, status=400)
    works = Work.objects.annotate(effective_reward=reward_expression(""))
    paginator = TaskPagination()
    page = paginator.paginate_queryset(with_works(task_filter.qs, works), request)
    return paginator.get_paginated_response(TaskSerializer(page, many=True).data)
