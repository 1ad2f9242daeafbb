from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkStatus(models.TextChoices):
    """The state of a piece of work, in the order the tracking issues' badges move."""

    CLAIMED = "claimed", _("Claimed")
    RFC_SUBMITTED = "rfc_submitted", _("RFC submitted")
    DESIGN_DONE = "design_done", _("Design document done")
    PR_SUBMITTED = "pr_submitted", _("PR submitted")
    PARTIALLY_COMPLETED = "partially_completed", _("Partially completed")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    # Found to be copied, or done by a staff member: it leaves every figure, board and
    # certificate (tasks/disqualify.py), with its reason on the record.
    DISQUALIFIED = "disqualified", _("Disqualified")


# Work past "claimed": something was handed in (a rejected submission was still a submission).
SUBMITTED_STATUSES = [
    WorkStatus.RFC_SUBMITTED,
    WorkStatus.DESIGN_DONE,
    WorkStatus.PR_SUBMITTED,
    WorkStatus.PARTIALLY_COMPLETED,
    WorkStatus.COMPLETED,
    WorkStatus.REJECTED,
]


class Grade(models.TextChoices):
    """A camper's grade; it sets the stars they earn."""

    PASS = "pass", _("Pass")
    GOOD = "good", _("Good")
    EXCELLENT = "excellent", _("Excellent")
    OUTSTANDING = "outstanding", _("Outstanding")


GRADE_STARS = {
    Grade.PASS: 3,
    Grade.GOOD: 4,
    Grade.EXCELLENT: 5,
    Grade.OUTSTANDING: 6,
}


class TaskProgress(models.IntegerChoices):
    """How far a task got, from its furthest piece of work (what the task browser shows)."""

    OPEN = 0, _("Open")
    CLAIMED = 1, _("Claimed")
    SUBMITTED = 2, _("Submitted")
    COMPLETED = 3, _("Completed")
