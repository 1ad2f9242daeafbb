import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from hackathon.models import in_language
from tracks.choices import MilestoneKind, TrackKind

REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def repository_names(text):
    """The repositories of a track's list, as written (separated by spaces or commas)."""
    return [name for name in re.split(r"[\s,，]+", text) if name]


def validate_repositories(text):
    """A list of GitHub repositories, each ``owner/name``."""
    wrong = [name for name in repository_names(text) if not REPOSITORY.fullmatch(name)]
    if wrong:
        raise ValidationError(
            _("Write each repository as owner/name (e.g. PaddlePaddle/Paddle), not %(names)s."),
            code="repository",
            params={"names": ", ".join(f"“{name}”" for name in wrong)},
        )


class Track(models.Model):
    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.PROTECT,
        related_name="tracks",
        verbose_name=_("edition"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrackKind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("The name as published."))
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the English pages, certificates and exports; empty: the name."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        allow_unicode=True,
        help_text=_("Used in URLs; the kind for the three standard tracks."),
    )
    description = models.TextField(_("description"), blank=True)
    tracking_issue_url = models.URLField(_("tracking issue"), blank=True)
    pr_title_prefix = models.CharField(
        _("PR title prefix"),
        max_length=100,
        blank=True,
        help_text=_(
            "What this track's pull request titles carry, e.g. Hackathon 7th No. in "
            "【Hackathon 7th No.33】…: webhooks credit such PRs to the task numbered after it."
        ),
    )
    rfc_repositories = models.CharField(
        _("RFC repositories"),
        max_length=500,
        blank=True,
        validators=[validate_repositories],
        help_text=_(
            "Repositories whose PRs are RFCs or design documents, e.g. PaddlePaddle/community "
            "(separated by spaces or commas)."
        ),
    )
    repositories = models.CharField(
        _("repositories"),
        max_length=1000,
        blank=True,
        validators=[validate_repositories],
        help_text=_(
            "The repositories whose PRs the GitHub sync reads for this track, e.g. "
            "PaddlePaddle/Paddle PaddlePaddle/PaddleScience (separated by spaces or commas); "
            "the RFC repositories and the tracking issue's repository are read too."
        ),
    )
    payer = models.CharField(
        _("payer"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who pays this track's rewards when it is not the organizers (a partner track's "
            "vendor). A piece of work may name its own."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    certificates_numbered = models.PositiveIntegerField(
        _("certificates numbered"),
        default=0,
        editable=False,
        help_text=_("The last serial number given to a certificate of this track; never reused."),
    )

    class Meta:
        ordering = ["edition_id", "order", "id"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="track_unique_slug"),
            models.UniqueConstraint(
                Lower("pr_title_prefix"),
                condition=~Q(pr_title_prefix=""),
                name="track_unique_pr_title_prefix",
                violation_error_message=_(
                    "Another track has this PR title prefix: a PR must belong to one track."
                ),
            ),
            models.UniqueConstraint(fields=["edition", "name"], name="track_unique_name"),
            models.UniqueConstraint(
                fields=["edition", "kind"],
                condition=~Q(kind=TrackKind.OTHER),
                name="track_one_per_standard_kind",
            ),
            models.CheckConstraint(condition=Q(kind__in=TrackKind.values), name="track_kind_valid"),
        ]

    def __str__(self):
        return f"{self.edition} · {self.name}"

    @property
    def local_name(self):
        return in_language(self.name, self.name_en)


class Milestone(models.Model):
    """A dated event of a track: a camp's weekly report, tech-sharing session or defence."""

    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("track")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    held_on = models.DateField(_("date"))
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["track_id", "held_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.held_on}"


class Figure(models.TextChoices):
    """The figures of an edition or a track (tasks/stats.py), as a results post states them."""

    TASKS_PUBLISHED = "tasks_published", _("tasks published")
    TASKS_SUBMITTED = "tasks_submitted", _("tasks with a submission")
    TASKS_COMPLETED = "tasks_completed", _("tasks completed")
    PARTICIPANTS = "participants", _("participants")
    DEVELOPERS_COMPLETED = "developers_completed", _("developers who completed tasks")


class AnnouncedFigure(models.Model):
    """A figure as the organizers' results post will state it (58 tasks published, 37
    developers…), for the data-quality report to compare with the figure computed from the data
    (participants/quality.py): the edition's, or a track's."""

    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.CASCADE,
        related_name="announced_figures",
        verbose_name=_("edition"),
    )
    track = models.ForeignKey(
        Track,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announced_figures",
        verbose_name=_("track"),
        help_text=_("Empty for the edition's own figure (a person in two tracks counts once)."),
    )
    figure = models.CharField(_("figure"), max_length=30, choices=Figure)
    value = models.PositiveIntegerField(_("announced value"))

    class Meta:
        verbose_name = _("announced figure")
        verbose_name_plural = _("announced figures")
        # The edition's own figures first, then each track's.
        ordering = [F("track__order").asc(nulls_first=True), "track__pk", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "track", "figure"], name="announced_figure_once_per_track"
            ),
            models.UniqueConstraint(
                fields=["edition", "figure"],
                condition=Q(track__isnull=True),
                name="announced_figure_once_per_edition",
            ),
        ]

    def __str__(self):
        return f"{self.get_figure_display()}: {self.value}"

    def clean(self):
        super().clean()
        if self.track_id and self.edition_id and self.track.edition_id != self.edition_id:
            raise ValidationError({"track": _("This track belongs to another edition.")})
