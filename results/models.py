from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class VersionState(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class ResultsVersionQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-number")


class ResultsVersion(models.Model):
    """One publication of an edition's results, as they stood: the figures, the leaderboard and
    the honour roll are stored (``snapshot``), not queried, so that later edits never change what
    a published version said (results/versions.py builds it)."""

    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.PROTECT,
        related_name="results_versions",
        verbose_name=_("edition"),
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("1 for the first publication."))
    state = models.CharField(_("state"), max_length=20, choices=VersionState.choices)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Public: what this version changes.")
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    snapshot = models.JSONField(_("snapshot"), editable=False)

    objects = ResultsVersionQuerySet.as_manager()

    class Meta:
        ordering = ["edition_id", "number"]
        verbose_name = _("published version of the results")
        verbose_name_plural = _("published versions of the results")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(state__in=VersionState.values), name="version_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.edition} · v{self.number}"

    def get_absolute_url(self):
        return reverse("results_version", args=[self.edition.slug, self.number])
