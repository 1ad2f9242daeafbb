"""Objections to provisional results (docs/figures.md, "Objections").

Anyone may file one while the edition's objection window is open: from the publication of its
results (``results_published_at``) until ``objections_close_at``. The organizers answer each in
the admin; the answer is public, and the person who filed it gets it by e-mail.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hackathon.models import Edition, ResultsState
from results.models import Objection, ObjectionOutcome


def window_open(edition, now=None):
    """Whether the edition accepts objections now: its results are provisional."""
    now = now or timezone.now()
    return edition.objections_close_at is not None and (
        edition.results_state(now) == ResultsState.PROVISIONAL
    )


def file_objection(edition, **fields):
    """Record an objection with the edition's next number."""
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).first()
        last = Objection.objects.filter(edition=edition).aggregate(Max("number"))["number__max"]
        return Objection.objects.create(edition=edition, number=(last or 0) + 1, **fields)


def answer_objection(objection, outcome, answer, now=None):
    """Give an objection its outcome and public answer, and e-mail the answer to who filed it."""
    objection.outcome = outcome
    objection.answer = answer
    objection.answered_at = now or timezone.now()
    objection.save(update_fields=["outcome", "answer", "answered_at"])
    send_answer(objection)


def send_answer(objection):
    edition = objection.edition
    subject = _("Your objection #%(number)d to the results of %(edition)s: %(outcome)s") % {
        "number": objection.number,
        "edition": edition.name,
        "outcome": ObjectionOutcome(objection.outcome).label,
    }
    body = "\n\n".join(
        [
            _("Dear %(name)s,") % {"name": objection.name},
            _("the organizers have answered your objection #%(number)d: %(outcome)s.")
            % {"number": objection.number, "outcome": ObjectionOutcome(objection.outcome).label},
            objection.answer,
            _("All objections and their answers: %(url)s")
            % {"url": settings.SITE_URL + f"/editions/{edition.slug}/objections/"},
        ]
    )
    send_mail(subject, body, None, [objection.email])
