"""GET /api/editions/<slug>/tasks/: the task browser's FilterSet, as JSON."""

from django.utils import translation
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from hackathon.access import get_edition_or_404
from hackathon.api.pagination import BoundedPagination
from hackathon.api.schema import BAD_PARAMETERS, TOO_MANY_REQUESTS, not_found
from hackathon.caching import public_response
from hackathon.params import MAX_VALUE_LENGTH
from hackathon.ratelimits import rate_limited
from tasks.choices import Grade, WorkStatus
from tasks.filters import (
    MAX_STARS,
    STATUS_SLUGS,
    TASK_PARAMETERS,
    StarsFilter,
    TaskFilter,
    status_slug,
    with_works,
)
from tasks.models import Work
from tasks.stats import reward_expression


class BlankAsNull:
    """An empty text is null in the API: "no batch" is null, not ""."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class OptionalCharField(BlankAsNull, serializers.CharField):
    pass


class OptionalURLField(BlankAsNull, serializers.URLField):
    pass


class OptionalChoiceField(BlankAsNull, serializers.ChoiceField):
    pass


class TaskWorkSerializer(serializers.Serializer):
    """A piece of work on a task, with public fields only."""

    team = OptionalCharField()
    status = serializers.ChoiceField(choices=WorkStatus.choices)
    grade = OptionalChoiceField(choices=Grade.choices)
    awarded_stars = serializers.FloatField(
        allow_null=True, help_text="The stars this work earned when set apart from the task's."
    )
    contributors = serializers.SerializerMethodField()
    pr_urls = serializers.ListField(child=serializers.URLField(), source="pr_url_list")
    reward = serializers.FloatField(
        allow_null=True, source="effective_reward", help_text="CNY; null when not known."
    )
    completed_on = serializers.DateField(allow_null=True)

    def get_contributors(self, work) -> list[str]:
        return [contribution.participant.login for contribution in work.contributions.all()]


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    track = serializers.CharField(source="track.slug")
    batch = OptionalCharField()
    direction = serializers.CharField(allow_null=True, source="direction.name", default=None)
    stars = serializers.FloatField(allow_null=True)
    stars_up_to = serializers.BooleanField(
        help_text="True when the stars are an upper bound (最高0.2⭐): each piece of work earns "
        "its awarded stars, not more."
    )
    status = serializers.SerializerMethodField()
    issue_url = OptionalURLField()
    works = TaskWorkSerializer(many=True, source="works.all")

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUS_SLUGS.values())))
    def get_status(self, task):
        return status_slug(task)


class TaskPageSerializer(serializers.Serializer):
    """A page of tasks (for the schema: the pagination's own envelope)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TaskSerializer(many=True)


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
