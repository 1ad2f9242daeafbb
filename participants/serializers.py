"""The people's API serializers (participants/api.py): boards, certificates, profiles."""

from rest_framework import serializers

from tasks.choices import Grade, WorkStatus
from tracks.choices import TrackKind


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


class CertificateHonourSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As published, e.g. 飞桨开源之星.")
    name_en = serializers.CharField(help_text="In English; empty when not set.")


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
    honour = CertificateHonourSerializer(
        allow_null=True,
        help_text="The edition's honour (飞桨开源之星) when the holder receives it, else null.",
    )
    verification_url = serializers.URLField()
    png_url = serializers.URLField()
    pdf_url = serializers.URLField()


class PersonStandingSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    points = serializers.FloatField()
    tasks_completed = serializers.IntegerField()
    reward = serializers.FloatField(allow_null=True, help_text="CNY; null when not known.")


class PersonWorkSerializer(serializers.Serializer):
    """A piece of work of the person; points and reward only once it is completed."""

    track = serializers.CharField(help_text="The track's slug.")
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=WorkStatus.choices)
    grade = serializers.ChoiceField(
        choices=Grade.choices, allow_null=True, help_text="The camp grade; null when none."
    )
    points = serializers.FloatField(allow_null=True, help_text="Null unless completed.")
    reward = serializers.FloatField(
        allow_null=True, help_text="The person's share in CNY; null unless completed and known."
    )


class PersonEditionSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True, help_text="Null without completed work.")
    points = serializers.FloatField()
    tasks_completed = serializers.IntegerField()
    works = PersonWorkSerializer(many=True)


class MentoredTaskSerializer(serializers.Serializer):
    edition = serializers.SlugField(help_text="The edition's slug.")
    track = serializers.CharField(help_text="The track's slug.")
    code = serializers.CharField()
    title = serializers.CharField()


class PersonCertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    track = serializers.CharField(help_text="The track's slug.")
    edition = serializers.SlugField(help_text="The edition's slug.")
    valid = serializers.BooleanField(help_text="False once the certificate is revoked.")


class PersonSerializer(serializers.Serializer):
    """A person's public profile: never their e-mail, notes or avatar file."""

    login = serializers.CharField()
    name = serializers.CharField(help_text="Display name; empty when unknown.")
    affiliation = serializers.CharField(help_text="Empty when unknown.")
    pfcc_member_since = serializers.DateField(allow_null=True)
    github_url = serializers.URLField()
    all_time = PersonStandingSerializer(
        allow_null=True, help_text="The all-time leaderboard's line; null without completed work."
    )
    editions = PersonEditionSerializer(many=True, help_text="Newest edition first.")
    mentored = MentoredTaskSerializer(many=True)
    certificates = PersonCertificateSerializer(many=True)
