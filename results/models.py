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


class ObjectionSubject(models.TextChoices):
    EDITION = "edition", _("The edition's results as a whole")
    TASK = "task", _("A task")
    PERSON = "person", _("A person's result")


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ObjectionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=ObjectionOutcome.OPEN)


class Objection(models.Model):
    """An objection to an edition's provisional results, filed by anyone while the objection
    window is open, answered by the organizers in public. The e-mail is private."""

    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("edition"),
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("#1, #2, … within the edition."))
    name = models.CharField(_("name"), max_length=100)
    github_login = models.CharField(_("GitHub login"), max_length=39)
    email = models.EmailField(
        _("contact e-mail"), help_text=_("Private: for the answer only, never shown publicly.")
    )
    subject = models.CharField(_("about"), max_length=20, choices=ObjectionSubject.choices)
    subject_ref = models.CharField(
        _("task code or login"),
        max_length=100,
        blank=True,
        help_text=_("The task's code (NO.28) or the person's GitHub login, when it is about one."),
    )
    reason = models.TextField(_("reason"), max_length=5000)
    links = models.TextField(_("links"), blank=True, help_text=_("Evidence: one URL per line."))
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ObjectionOutcome.choices,
        default=ObjectionOutcome.OPEN,
    )
    answer = models.TextField(_("public answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["edition_id", "number"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="objection_unique_number"),
            models.CheckConstraint(
                condition=Q(outcome__in=ObjectionOutcome.values), name="objection_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(subject__in=ObjectionSubject.values), name="objection_subject_valid"
            ),
        ]

    def __str__(self):
        return f"{self.edition} · #{self.number}"

    @property
    def link_list(self):
        return [link for link in self.links.split() if link]
