import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Lower, Replace
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hackathon.models import in_language
from tasks.choices import Grade, TaskProgress, WorkStatus

CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}  # fmt: skip


def normalize_code(code):
    """The form in which codes compare: case and whitespace ignored (NO.12 = No.12 = no. 12)."""
    return re.sub(r"\s+", "", code).lower()


def code_position(code):
    """A number to sort codes by: NO.12 → 12, 项目十四 → 14, 一 → 1; 0 when there is none."""
    digits = re.search(r"\d+", code)
    if digits:
        return int(digits.group())
    chinese = re.search(r"[零一二两三四五六七八九十百]+", code)
    if not chinese:
        return 0
    total, current = 0, 0
    for char in chinese.group():
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CHINESE_DIGITS[char]
    return total + current


# The order tasks are listed in everywhere (pages, exports, the admin): the track's place in its
# edition, then the batch, then the number in the code (NO.12 → 12, 项目十四 → 14), then the code.
TASK_ORDER = ("track__order", "track_id", "batch", "position", "code")


def task_order(prefix=""):
    """TASK_ORDER for tasks reached through ``prefix`` (e.g. "work__task__")."""
    return [f"{prefix}{field}" for field in TASK_ORDER]


def format_stars(stars):
    """Stars as organizers write them: 2, 0.5, 0.025 (no trailing zeros)."""
    text = f"{stars:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def exact_stars(stars):
    """Stars as a number without trailing zeros (13, 0.025), for exports; None stays None."""
    return None if stars is None else Decimal(format_stars(Decimal(stars)))


def work_identity(team, logins):
    """What identifies a piece of work on its task: its team, or else its set of contributors."""
    team = " ".join(team.split()).lower()
    if team:
        return f"team:{team}"
    return "people:" + ";".join(sorted({login.lower() for login in logins}))


class Direction(models.Model):
    """A task's field of work: 框架开发, 科学计算, 套件建设, 论文复现, 基础设施建设, ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self):
        return self.name

    @property
    def local_name(self):
        return in_language(self.name, self.name_en)


class TaskQuerySet(models.QuerySet):
    def published(self):
        return self.filter(withdrawn=False)

    def for_edition(self, edition):
        return self.filter(track__edition=edition)


class Task(models.Model):
    track = models.ForeignKey(
        "tracks.Track", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("track")
    )
    batch = models.CharField(
        _("batch"), max_length=50, blank=True, help_text=_("e.g. 提前批, 正式批")
    )
    code = models.CharField(
        _("code"), max_length=50, help_text=_("The published number: NO.12, 项目四, ...")
    )
    position = models.PositiveIntegerField(
        _("position"), default=0, editable=False, help_text=_("Sort key derived from the code.")
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        related_name="tasks",
        null=True,
        blank=True,
        verbose_name=_("direction"),
    )
    stars = models.DecimalField(
        _("stars"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Difficulty and reward in stars, to three decimals (0.025, 0.5, 2)."),
    )
    stars_up_to = models.BooleanField(
        _("up to"),
        default=False,
        help_text=_(
            "The stars are an upper bound (最高0.2⭐): each piece of work earns the stars its "
            "review awards, not more."
        ),
    )
    issue_url = models.URLField(_("GitHub issue"), max_length=500, blank=True)
    mentors = models.ManyToManyField(
        "participants.Participant",
        related_name="mentored_tasks",
        blank=True,
        verbose_name=_("mentors"),
    )
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("A withdrawn task leaves every figure, leaderboard and certificate."),
    )
    open_call = models.BooleanField(
        _("open call"),
        default=False,
        help_text=_(
            "One published call with many accepted entries (a case collection): each completed "
            "piece of work is an accepted entry and counts in the figures as a task published "
            "and completed, as the results post counts them."
        ),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"),
        choices=TaskProgress.choices,
        default=TaskProgress.OPEN,
        editable=False,
        help_text=_("How far its furthest piece of work got; kept by tasks/tally.py."),
    )
    accepted = models.PositiveIntegerField(
        _("completed pieces of work"),
        default=0,
        editable=False,
        help_text=_("An open call's accepted entries; kept by tasks/tally.py."),
    )

    objects = TaskQuerySet.as_manager()
    # Every change on the record; progress, accepted and position are derived (tasks/tally.py).
    history = HistoricalRecords(excluded_fields=["progress", "accepted", "position"])

    class Meta:
        # TASK_ORDER without the track's order (a join): lists order by task_order() instead.
        ordering = ["track_id", "batch", "position", "code"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                F("track"),
                F("batch"),
                Lower(Replace(F("code"), Value(" "), Value(""))),
                name="task_unique_code_per_track_batch",
                violation_error_message=_(
                    "This track already has a task with this code in this batch "
                    "(codes ignore case and spaces)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=0, stars__lte=100),
                name="task_stars_in_range",
            ),
        ]
        indexes = [models.Index(fields=["track", "progress"], name="task_track_progress")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.position = code_position(self.code)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # progress and accepted are the writer's (tasks/tally.py): a save never writes back
            # a stale copy.
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in ("progress", "accepted")
            ]
        super().save(*args, **kwargs)


def field_text(obj, name):
    """A field's value as reports show it: a choice by its label, a decimal without trailing
    zeros, a related record by its name, nothing as "" (the import's changes, the day's changes)."""
    field = obj._meta.get_field(name)
    if field.is_relation:
        related = getattr(obj, name) if getattr(obj, field.attname) is not None else None
        return str(related) if related is not None else ""
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    display = getattr(obj, f"get_{name}_display", None)
    return str(display()) if display else str(value)


def validate_pr_urls(value):
    validate = URLValidator(schemes=["http", "https"])
    for url in value.split():
        validate(url)


def counted_work(prefix=""):
    """Completed work of published tasks, reached through ``prefix`` (e.g. "work__"): what earns
    points, rewards and certificates. The one definition of counted work."""
    return Q(**{f"{prefix}status": WorkStatus.COMPLETED, f"{prefix}task__withdrawn": False})


class WorkQuerySet(models.QuerySet):
    def counted(self):
        """Counted work (counted_work)."""
        return self.filter(counted_work())


class Work(models.Model):
    """A piece of work on a task: a team's, or a camper's."""

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="works", verbose_name=_("task")
    )
    status = models.CharField(_("status"), max_length=30, choices=WorkStatus.choices)
    team = models.CharField(_("team"), max_length=200, blank=True)
    contributors = models.ManyToManyField(
        "participants.Participant",
        through="Contribution",
        related_name="works",
        verbose_name=_("contributors"),
    )
    pr_urls = models.TextField(
        _("pull requests"),
        blank=True,
        validators=[validate_pr_urls],
        help_text=_("One URL per line."),
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    reward = models.DecimalField(
        _("reward (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Empty: the stars (the grade's, else the task's) × the edition's CNY per star."
        ),
    )
    awarded_stars = models.DecimalField(
        _("awarded stars"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "The stars this piece of work earned when they differ from the task's or the grade's: "
            "the review of an “up to” task, a bonus, a project paid in proportion. Empty: the "
            "grade's stars, else the task's."
        ),
    )
    awarded_reason = models.CharField(
        _("reason for the awarded stars"),
        max_length=500,
        blank=True,
        help_text=_("Required when the awarded stars exceed the upper bound of an “up to” task."),
    )
    payer = models.CharField(
        _("payer"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who pays this work's reward when it is not the organizers (Paddle2ONNX PMC, a "
            "partner). Empty: the track's payer, else the organizers."
        ),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    identity = models.CharField(
        _("identity"),
        max_length=600,
        editable=False,
        help_text=_("The team, or else the contributors' logins: what the import matches on."),
    )
    notes = models.TextField(_("private notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WorkQuerySet.as_manager()
    # Every change on the record; its identity is derived from its team and contributors.
    history = HistoricalRecords(excluded_fields=["identity", "updated_at"])

    class Meta:
        ordering = ["task_id", "id"]
        verbose_name = _("piece of work")
        verbose_name_plural = _("pieces of work")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "identity"],
                name="work_unique_identity",
                violation_error_message=_(
                    "This task already has a piece of work by this team or these contributors."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reward__isnull=True) | Q(reward__gte=0), name="work_reward_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(awarded_stars__isnull=True)
                | Q(awarded_stars__gte=0, awarded_stars__lte=100),
                name="work_awarded_stars_in_range",
            ),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True)
                | Q(completed_on__isnull=True)
                | Q(completed_on__gte=F("submitted_on")),
                name="work_completed_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WorkStatus.values), name="work_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(grade__in=Grade.values), name="work_grade_valid"
            ),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.team or self.identity.removeprefix('people:')}"

    def save(self, *args, **kwargs):
        if self.team.strip() or not self.identity:
            self.set_identity()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        problem = self.awarded_stars_problem()
        if problem:
            raise ValidationError({"awarded_reason": problem})

    def awarded_stars_problem(self):
        """Why the awarded stars cannot stand as they are, or None: above the bound of an “up
        to” task, they need a reason."""
        task = self.task if self.task_id else None
        if (
            task is not None
            and task.stars_up_to
            and task.stars is not None
            and self.awarded_stars is not None
            and self.awarded_stars > task.stars
            and not self.awarded_reason.strip()
        ):
            return _(
                "%(awarded)s stars are above the task's upper bound of %(bound)s stars: "
                "give the reason for the exception."
            ) % {"awarded": format_stars(self.awarded_stars), "bound": format_stars(task.stars)}
        return None

    def set_identity(self, logins=None):
        """Set the identity (work_identity): the team, else the contributors, ``logins`` when
        they are about to be saved, else the saved ones. The one place that sets it on a piece of
        work: its save, the admin's forms and whoever changes its contributors come here; bulk
        writers (the import) call work_identity themselves. Returns whether it changed."""
        if logins is None:
            logins = (
                [c.participant.login for c in self.contributions.select_related("participant")]
                if self.pk
                else []
            )
        identity = work_identity(self.team, logins)
        changed, self.identity = identity != self.identity, identity
        return changed

    def refresh_identity(self):
        """Set the identity after the contributors changed, and write it (that column alone: no
        history record, no signal)."""
        if self.set_identity():
            Work.objects.filter(pk=self.pk).update(identity=self.identity)

    @property
    def pr_url_list(self):
        return [url for url in self.pr_urls.split() if url]

    @property
    def is_completed(self):
        return self.status == WorkStatus.COMPLETED


class ContributionQuerySet(models.QuerySet):
    def counted(self):
        """Contributions to counted work (counted_work)."""
        return self.filter(counted_work("work__"))


class Contribution(models.Model):
    """A person's part in a piece of work."""

    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("work")
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("person"),
    )
    reward_share = models.DecimalField(
        _("reward share (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the work's reward is split equally among its contributors."),
    )

    objects = ContributionQuerySet.as_manager()
    # Who was credited with what, and when the credit was given or taken back.
    history = HistoricalRecords()

    class Meta:
        ordering = ["work_id", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["work", "participant"], name="contribution_unique_person"
            ),
            models.CheckConstraint(
                condition=Q(reward_share__isnull=True) | Q(reward_share__gte=0),
                name="contribution_share_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.work}"


class TaskTally(models.Model):
    """The task figures of one track and direction, kept by whoever changes a task or its work
    (tasks/tally.py): published tasks, those with a submission, those completed. The figures of
    a track, an edition and the board by direction are sums of these rows (tasks/stats.py)."""

    track = models.ForeignKey(
        "tracks.Track", on_delete=models.CASCADE, related_name="+", verbose_name=_("track")
    )
    direction = models.ForeignKey(
        Direction,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("direction"),
    )
    published = models.PositiveIntegerField(_("tasks published"), default=0)
    submitted = models.PositiveIntegerField(_("tasks submitted"), default=0)
    completed = models.PositiveIntegerField(_("tasks completed"), default=0)

    class Meta:
        verbose_name = _("task tally")
        verbose_name_plural = _("task tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["track", "direction"], name="task_tally_one_per_track_and_direction"
            ),
            models.UniqueConstraint(
                fields=["track"],
                condition=Q(direction__isnull=True),
                name="task_tally_one_per_track_without_direction",
            ),
        ]

    def __str__(self):
        return f"{self.track_id}/{self.direction_id}: {self.published}"


class ImportJob(models.Model):
    """An import of a large file from the admin, run as a background task
    (hackathon/admin_import.py): a preview (a dry run) first, then, when the organizer confirms
    it, the import itself. The file waits in the default storage meanwhile; the outcome (the
    report, or the file's errors) is kept here for the page that follows the job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Refused: the file has errors")
        FAILED = "failed", _("Failed")

    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("edition"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    staged = models.CharField(_("staged file"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=15)
    dry_run = models.BooleanField(_("preview"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.REJECTED, self.State.FAILED)
