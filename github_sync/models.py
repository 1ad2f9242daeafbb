from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """A webhook delivery from GitHub, stored once (GitHub's delivery id), with what it did.

    The webhook answers at once and a background task applies the delivery (github_sync/
    deliveries.py): its payload waits here meanwhile, and is dropped once it is applied."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    delivery_id = models.CharField(_("delivery"), max_length=100, unique=True)
    event = models.CharField(_("event"), max_length=50)
    action = models.CharField(_("action"), max_length=50, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DONE)
    # The payload as JSON text (ASCII, escaped): PostgreSQL's jsonb refuses a "\u0000" that a
    # comment may hold. Empty once the delivery is applied.
    payload = models.TextField(_("payload"), blank=True, default="")
    outcome = models.TextField(_("outcome"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event} {self.action} {self.delivery_id}"


class SyncRun(models.Model):
    """A reconciliation with GitHub (github_sync/sync.py): what it read, what it changed, and
    why it stopped when it did. Started from the edition's admin page (a background task) or by
    ``manage.py sync_github``; its number is the reason of every change it makes."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.CASCADE,
        related_name="sync_runs",
        verbose_name=_("edition"),
    )
    track = models.ForeignKey(
        "tracks.Track",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("track"),
        help_text=_("Empty: every track of the edition with a PR title prefix or tracking issue."),
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    language = models.CharField(_("language"), max_length=15, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pulls_read = models.PositiveIntegerField(_("PRs read"), default=0)
    comments_read = models.PositiveIntegerField(_("comments read"), default=0)
    changes = models.PositiveIntegerField(_("changes made"), default=0)
    requests = models.PositiveIntegerField(_("requests to GitHub"), default=0)
    not_modified = models.PositiveIntegerField(
        _("unchanged pages"),
        default=0,
        help_text=_("Requests GitHub answered “not modified”: they cost no rate limit."),
    )
    rate_limit_remaining = models.IntegerField(_("rate limit remaining"), null=True, blank=True)
    lines = models.JSONField(_("outcome"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("GitHub sync run")
        verbose_name_plural = _("GitHub sync runs")

    def __str__(self):
        return f"{self.edition} · {self.pk} ({self.get_state_display()})"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def reason(self):
        """The history's reason of every change this run makes."""
        return f"GitHub sync, run {self.pk}"


class GitHubPage(models.Model):
    """One page of a list read from GitHub's REST API, kept for the next reconciliation: its
    ETag makes the next read of an unchanged page a conditional request that costs no rate
    limit, and the items that may matter (PRs whose title carries a track's prefix, comments
    that mention 报名) are applied again from here."""

    url = models.CharField(max_length=500, unique=True)
    etag = models.CharField(max_length=200)
    # What the items were chosen by (the tracks' PR title prefixes): another choice reads again.
    scope = models.TextField(blank=True)
    items = models.JSONField(default=list)
    count = models.PositiveIntegerField(default=0)  # items on the page, chosen or not
    next_page = models.PositiveIntegerField(null=True)
    oldest = models.DateTimeField(null=True)  # the least recently updated item on the page
    fetched_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.url
