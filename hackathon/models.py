from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hackathon import signals
from hackathon.clock import clock_moved
from hackathon.images import validate_image_pixels


class ResultsState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class EditionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def results_changed(self, people=(), renamed=(), everyone=False):
        """Mark these editions' results as changed, in the writer's transaction: their
        results_version goes up, the public pages' clock moves (hackathon/caching.py), and what
        is derived from the results is told (the results_changed signal): ``people`` are the
        ids of the people whose scores the change touches, ``renamed`` those whose login or name
        changed, ``everyone`` says that it touches everybody in these editions."""
        ids = list(self.values_list("pk", flat=True))
        if not ids:
            return 0
        count = (
            self.model._base_manager.using(self.db)
            .filter(pk__in=ids)
            .update(results_version=F("results_version") + 1)
        )
        clock_moved(self.db)
        signals.results_changed.send(
            sender=self.model,
            edition_ids=ids,
            using=self.db,
            people=set(people),
            renamed=set(renamed),
            everyone=everyone,
        )
        return count


def in_language(name, name_en):
    """A name as the language of the request shows it: the English name in English, when there
    is one; the name as published otherwise."""
    language = get_language() or ""
    return name_en if name_en and language.startswith("en") else name


class Edition(models.Model):
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Used in URLs, e.g. 7th."))
    number = models.PositiveIntegerField(
        _("number"), unique=True, help_text=_("The edition's ordinal, e.g. 7.")
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("The name as published."))
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the English pages, certificates and exports; empty: the name."),
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), help_text=_("The day the edition was launched."))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    results_published_at = models.DateTimeField(
        _("results published at"),
        null=True,
        blank=True,
        help_text=_("Empty until the results are published; they are provisional from then on."),
    )
    objections_close_at = models.DateTimeField(
        _("objections close at"),
        null=True,
        blank=True,
        help_text=_("End of the public objection window; the results are final after it."),
    )
    objections_reviewed_by = models.DateField(
        _("objections reviewed by"),
        null=True,
        blank=True,
        help_text=_("The day by which the organizers promise to answer objections."),
    )
    objections_contact = models.EmailField(
        _("objections contact"),
        blank=True,
        help_text=_("Public address where objections are sent."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Draft editions are invisible to everybody but the organizers."),
    )
    yuan_per_star = models.PositiveIntegerField(
        _("CNY per star"),
        null=True,
        blank=True,
        help_text=_("Reward of one star in CNY; empty when rewards are not counted in stars."),
    )
    reward_cap = models.DecimalField(
        _("reward cap (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "The most the organizers pay one person in this edition (e.g. 30000); rewards paid by "
            "partners and the leaderboard's points are not capped. Empty: no cap."
        ),
    )
    honour_name = models.CharField(
        _("honour"),
        max_length=100,
        blank=True,
        help_text=_("The title the top of the leaderboard receives, e.g. 飞桨开源之星."),
    )
    honour_name_en = models.CharField(_("honour in English"), max_length=100, blank=True)
    honour_count = models.PositiveSmallIntegerField(
        _("people honoured"),
        default=0,
        help_text=_(
            "How many of the edition's leaderboard receive the honour, e.g. 3: everybody ranked "
            "that high, so people tied at the last rank all receive it."
        ),
    )
    banner = models.ImageField(
        _("banner"), upload_to="editions/", blank=True, validators=[validate_image_pixels]
    )
    serial_prefix = models.CharField(
        _("certificate serial prefix"),
        max_length=10,
        default="PH",
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]*$", _("Capital letters and digits only."))],
        help_text=_("Certificate serials read PREFIX + number, e.g. PH7-IND-0012."),
    )
    # The last published version of the results (results/versions.py writes them when it
    # publishes): what the pages and the API say is current, without a query.
    published_version = models.PositiveIntegerField(
        _("published version"),
        default=0,
        editable=False,
        help_text=_("The number of the last published version of the results; 0 before any."),
    )
    published_version_final = models.BooleanField(
        _("published version is final"), default=False, editable=False
    )
    results_version = models.PositiveIntegerField(
        _("results version"),
        default=0,
        editable=False,
        help_text=_("Goes up whenever the edition's results change; part of the cache keys."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EditionQuerySet.as_manager()
    # Every change on the record (who, when, before, after, why): django-simple-history.
    history = HistoricalRecords(
        excluded_fields=[
            "results_version",
            "updated_at",
            "published_version",
            "published_version_final",
        ]
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="edition_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(objections_close_at__isnull=True)
                | Q(results_published_at__isnull=False)
                & Q(objections_close_at__gte=F("results_published_at")),
                name="edition_objections_close_after_publication",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="edition_number_positive"),
            models.CheckConstraint(
                condition=Q(reward_cap__isnull=True) | Q(reward_cap__gte=0),
                name="edition_reward_cap_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("edition_detail", args=[self.slug])

    @property
    def local_name(self):
        return in_language(self.name, self.name_en)

    @property
    def honour(self):
        """The honour's name in the language of the request ("" when the edition names none)."""
        if not self.honour_count:
            return ""
        return in_language(self.honour_name, self.honour_name_en)

    def is_honoured(self, rank):
        """Whether a person of this rank on the edition's leaderboard receives its honour."""
        return bool(self.honour and rank is not None and rank <= self.honour_count)

    def results_state(self, now=None):
        """in_progress until published, provisional during the objection window, final after."""
        now = now or timezone.now()
        if self.results_published_at is None or now < self.results_published_at:
            return ResultsState.IN_PROGRESS
        if self.objections_close_at is not None and now < self.objections_close_at:
            return ResultsState.PROVISIONAL
        return ResultsState.FINAL


class ResultsClock(models.Model):
    """How many times the results have changed, all editions together: one row. The public
    responses are cached, and validated by their ETag, under its value (hackathon/caching.py)."""

    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("results clock")
        verbose_name_plural = _("results clock")

    def __str__(self):
        return str(self.value)
