"""The tasks' API serializers (tasks/api.py): a task with its pieces of work."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tasks.choices import Grade, WorkStatus
from tasks.filters import STATUS_SLUGS, status_slug


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
