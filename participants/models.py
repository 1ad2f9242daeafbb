import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hackathon.images import validate_image_pixels

# GitHub logins: letters, digits and single hyphens, at most 39 characters. Underscores and a
# trailing hyphen occur in old accounts, so the check is a little wider than GitHub's sign-up rule.
LOGIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$"
validate_login = RegexValidator(
    LOGIN_PATTERN, _("Enter a GitHub login: letters, digits and hyphens, at most 39 characters.")
)


LOGIN_SEPARATORS = re.compile(r"[;；,，\s]+")


def parse_logins(text):
    """Split "alice; @Bob, ALICE" into ["alice", "Bob"]: logins separated by semicolons (or
    commas, or spaces), a leading @ ignored, a login named twice (in any case) kept once with its
    first spelling. Nothing is validated here (see validate_login)."""
    logins = {}
    for part in LOGIN_SEPARATORS.split(text or ""):
        login = part.lstrip("@＠")
        if login:
            logins.setdefault(login.lower(), login)
    return list(logins.values())


class ParticipantQuerySet(models.QuerySet):
    def by_login(self, login):
        """Case-insensitive, through the index of the unique constraint on Lower(login)."""
        return self.filter(login__lower=login.lower())

    def by_logins(self, logins):
        return self.filter(login__lower__in={login.lower() for login in logins})


class Participant(models.Model):
    """A person, identified by their GitHub login (compared case-insensitively)."""

    login = models.CharField(_("GitHub login"), max_length=39, validators=[validate_login])
    name = models.CharField(_("display name"), max_length=100, blank=True)
    avatar = models.ImageField(
        _("avatar"), upload_to="avatars/", blank=True, validators=[validate_image_pixels]
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Private: seen by organizers only.")
    )
    pfcc_member_since = models.DateField(
        _("PFCC member since"),
        null=True,
        blank=True,
        help_text=_("When the person joined the Paddle Framework Contributor Club."),
    )
    notes = models.TextField(_("private notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()
    # Every change on the record: a login or name corrected, a PFCC membership.
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("login")]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                Lower("login"),
                name="participant_unique_login_ci",
                violation_error_message=_(
                    "A person with this GitHub login already exists (logins ignore case)."
                ),
            ),
        ]

    def __str__(self):
        return self.login

    @property
    def display_name(self):
        return self.name or self.login

    @property
    def github_url(self):
        return f"https://github.com/{self.login}"


# login__lower="abc" compiles to LOWER(login) = 'abc', which the unique index serves; registered
# on this field only, not on every CharField of every app.
Participant._meta.get_field("login").register_lookup(Lower)


class Certificate(models.Model):
    """A completion certificate (结项证书): one per person per track they completed work in.

    What it says is public and read from the results (the track's completed work of the person);
    its serial is given once and never changes or comes back.
    """

    serial = models.CharField(_("serial"), max_length=40, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("person"),
    )
    track = models.ForeignKey(
        "tracks.Track",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("track"),
    )
    issued_on = models.DateField(_("issued on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Issued, revoked: every change on the record.
    history = HistoricalRecords()

    class Meta:
        ordering = ["serial"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "track"],
                name="certificate_one_per_person_and_track",
                violation_error_message=_("This person already has a certificate of this track."),
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="certificate_revocation_has_a_reason",
                violation_error_message=_("Say why the certificate is revoked."),
            ),
        ]

    def __str__(self):
        return self.serial

    def get_absolute_url(self):
        return reverse("certificate_detail", args=[self.serial])

    @property
    def is_valid(self):
        return self.revoked_at is None


ALL_TIME = "all"


def track_board(track_id):
    return f"track:{track_id}"


def edition_board_name(edition_id):
    return f"edition:{edition_id}"


def kind_board(kind):
    return f"{ALL_TIME}:{kind}"


def board_name(edition=None, track=None, kind=None):
    """The board of a track, of an edition, or (neither) the all-time board, optionally of one
    kind of track."""
    if track is not None:
        return track_board(track.pk)
    if edition is not None:
        return edition_board_name(edition.pk)
    return kind_board(kind) if kind else ALL_TIME


class ScoreQuerySet(models.QuerySet):
    def on_board(self, board):
        return self.filter(board=board)

    def ranked(self):
        """The lines of people with completed work: those a leaderboard lists (the others, who
        took part without completing anything, have a rank_key of 0 or more)."""
        return self.filter(rank_key__lt=0)

    def in_board_order(self):
        """The board's order: rank_key, then login ignoring case (the ``score_ranking`` index)."""
        return self.order_by("rank_key", "login_ci")


# rank_key packs the ranking rule into one integer that sorts ascending: more points first
# (thousandths of a star), then more tasks, then the earlier day of the last completion (days
# since 1970-01-01; no date sorts after every date). participants/scores.py writes it. It is
# negative for everybody with a completed task, 0 or more for those without.
RANK_POINTS_FACTOR = 10**10
RANK_TASKS_FACTOR = 10**5
RANK_NO_DAY = RANK_TASKS_FACTOR - 1


def rank_key(points, tasks_completed, last_completed_on):
    """The rank_key of a line, computed in Python as the database computes it."""
    day = RANK_NO_DAY if last_completed_on is None else last_completed_on.toordinal() - 719163
    millis = int((points * 1000).quantize(Decimal(1), ROUND_HALF_UP))
    return -millis * RANK_POINTS_FACTOR - tasks_completed * RANK_TASKS_FACTOR + day


class Score(models.Model):
    """A person's line on one board: their points, distinct tasks completed, latest completion
    and reward, summed from their completed work (participants/scores.py). Everybody who took
    part has a line; a leaderboard lists those with completed work (``ranked()``).

    Derived data, never edited by hand. ``board`` names the leaderboard: ``track:<id>``,
    ``edition:<id>``, ``all`` (every public edition) or ``all:<kind>`` (the public editions'
    tracks of one kind). The writer of a change to the results updates the rows of the people it
    touches, in the same transaction.
    """

    board = models.CharField(_("board"), max_length=40)
    edition = models.ForeignKey(
        "hackathon.Edition",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("edition"),
    )
    track = models.ForeignKey(
        "tracks.Track",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("track"),
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="scores", verbose_name=_("person")
    )
    # Copied from the person (a change to them updates their rows), so that a board is ranked
    # and listed without a join.
    login = models.CharField(_("GitHub login"), max_length=39)
    # The login in lower case: the last key of the board's order, in its index (so that the
    # position of a page is found from the index alone).
    login_ci = models.CharField(_("GitHub login, lower case"), max_length=39)
    name = models.CharField(_("display name"), max_length=100, blank=True)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=3)
    tasks_completed = models.PositiveIntegerField(_("tasks completed"))
    last_completed_on = models.DateField(_("last completed on"), null=True)
    # Shares of a reward split three ways are kept with six decimals, so that a person's total
    # over several tracks rounds to the same cent as the sum of their shares.
    reward = models.DecimalField(_("reward"), max_digits=20, decimal_places=6, null=True)
    rank_key = models.BigIntegerField(_("rank key"))

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "participant"], name="score_one_per_person_and_board"
            ),
        ]
        indexes = [
            # A page of a board, a person's rank (people ahead: rank_key smaller) and the
            # board's order are all ranges of this index.
            models.Index(fields=["board", "rank_key", "login_ci"], name="score_ranking"),
        ]

    def __str__(self):
        return f"{self.board}: {self.login} {self.points}"


class ScoreBoard(models.Model):
    """How many people a leaderboard lists (``size``: those with completed work) and how many
    took part (``people``), kept with its Score rows."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    size = models.PositiveIntegerField(_("people with completed work"), default=0)
    people = models.PositiveIntegerField(_("people who took part"), default=0)

    class Meta:
        verbose_name = _("score board")
        verbose_name_plural = _("score boards")

    def __str__(self):
        return f"{self.name}: {self.size}"


class ScoreLevel(models.Model):
    """How many people of a board share one rank key (only keys of people with completed work):
    a person's rank is 1 + the people on the levels below their key, a sum over far fewer rows
    than the people ahead of them. Kept with the Score rows (participants/scores.py)."""

    board = models.CharField(_("board"), max_length=40)
    rank_key = models.BigIntegerField(_("rank key"))
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("score level")
        verbose_name_plural = _("score levels")
        constraints = [
            models.UniqueConstraint(fields=["board", "rank_key"], name="score_level_one_per_key"),
        ]

    def __str__(self):
        return f"{self.board} {self.rank_key}: {self.people}"
