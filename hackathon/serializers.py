"""The editions' API serializers (hackathon/api.py): an edition, its tracks, their figures."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hackathon.models import Edition, ResultsState
from tracks.choices import TrackKind


class FiguresSerializer(serializers.Serializer):
    """The figures (docs/figures.md); rates are numbers from 0 to 1, unrounded."""

    tasks_published = serializers.IntegerField()
    tasks_submitted = serializers.IntegerField()
    tasks_completed = serializers.IntegerField()
    completion_rate = serializers.FloatField()
    submission_rate = serializers.FloatField()
    participants = serializers.IntegerField()
    developers_completed = serializers.IntegerField()


class TrackSerializer(serializers.Serializer):
    slug = serializers.CharField()
    kind = serializers.ChoiceField(choices=TrackKind.choices)
    name = serializers.CharField(help_text="The name as published.")
    name_en = serializers.CharField(help_text="The English name; empty when not set.")
    stats = serializers.SerializerMethodField()

    @extend_schema_field(FiguresSerializer)
    def get_stats(self, track):
        return FiguresSerializer(self.context["track_figures"][track.pk]).data


class PublishedVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 for the first publication, then 2, 3, …")
    state = serializers.ChoiceField(choices=["provisional", "final"])
    url = serializers.URLField(help_text="Its permalink; its CSV and JSON are at <url>.csv/.json.")


class EditionSerializer(serializers.ModelSerializer):
    results_state = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    stats = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "slug",
            "number",
            "name",
            "name_en",
            "starts_on",
            "ends_on",
            "results_state",
            "version",
            "stats",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=ResultsState.choices))
    def get_results_state(self, edition):
        return edition.results_state()

    @extend_schema_field(PublishedVersionSerializer(allow_null=True))
    def get_version(self, edition):
        """The current published version of the results, or null before the first."""
        if not edition.published_version:
            return None
        path = reverse("results_version", args=[edition.slug, edition.published_version])
        return {
            "number": edition.published_version,
            "state": "final" if edition.published_version_final else "provisional",
            "url": settings.SITE_URL + path,
        }

    @extend_schema_field(FiguresSerializer)
    def get_stats(self, edition):
        return FiguresSerializer(self.context["edition_figures"][edition.pk]).data


class EditionDetailSerializer(EditionSerializer):
    tracks = serializers.SerializerMethodField()

    class Meta(EditionSerializer.Meta):
        fields = [*EditionSerializer.Meta.fields, "tracks"]

    @extend_schema_field(TrackSerializer(many=True))
    def get_tracks(self, edition):
        tracks = self.context["tracks"]  # [(Track, Figures)]
        context = {"track_figures": {track.pk: figures for track, figures in tracks}}
        return TrackSerializer([track for track, _ in tracks], many=True, context=context).data


class EditionPageSerializer(serializers.Serializer):
    """A page of editions, when ``?limit=`` asks for one."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EditionSerializer(many=True)
