"""Disqualifying pieces of work (found to be copied, or done by a staff member): a recorded act
with a reason. The work leaves every figure, board and certificate (its status becomes
"disqualified", which counts for nothing); a person left with no completed work in the track has
their certificate revoked with the reason; the people below move up (the writers refresh the
boards); and when the edition's results are published, a new version is published with the
reason as its note, so the changes page says what moved and why (a correction after the final
version). Every change is on the record with the reason (hackathon/history.py).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from hackathon.history import change_reason
from hackathon.models import Edition
from participants.certificates import qualifies, revoke_certificates
from participants.models import Certificate
from results.models import ResultsVersion, VersionState
from results.versions import publish
from tasks.choices import WorkStatus


@dataclass
class Disqualified:
    works: int
    certificates_revoked: int
    versions: list  # the versions published, one per edition with published results


def disqualify(works, reason, *, user=None):
    """Disqualify ``works`` (a queryset of pieces of work) for ``reason``."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A disqualification needs a reason.")
    record = _("disqualified: %(reason)s") % {"reason": reason}
    with transaction.atomic(), change_reason(record, user=user):
        works = list(
            works.exclude(status=WorkStatus.DISQUALIFIED)
            .select_related("task__track__edition")
            .prefetch_related("contributions__participant")
        )
        for work in works:
            work.status = WorkStatus.DISQUALIFIED
            work.save()  # the tallies, boards and pages follow (tasks/signals.py)
        revoked = 0
        for work in works:
            track = work.task.track
            for contribution in work.contributions.all():
                if not qualifies(contribution.participant, track):
                    revoked += revoke_certificates(
                        Certificate.objects.filter(
                            participant=contribution.participant, track=track
                        ),
                        record,
                        user=user,
                    )
        versions = []
        edition_ids = {work.task.track.edition_id for work in works}
        for edition in Edition.objects.filter(
            pk__in=edition_ids, results_published_at__isnull=False
        ):
            latest = ResultsVersion.objects.filter(edition=edition).order_by("-number").first()
            if latest is None:
                continue
            versions.append(
                publish(
                    edition,
                    final=latest.state == VersionState.FINAL,
                    note=record,
                    user=user,
                )
            )
    return Disqualified(len(works), revoked, versions)
