"""Completion certificates: who qualifies, issuing them with serials that are never reused, and
what a certificate says.

A person qualifies for one certificate per track of an edition in which they completed work on a
published task. A serial reads PREFIX + edition number, the track's code and a number counted per
track (PH7-IND-0012); the counter lives on the track, so a number is never given twice, even if a
certificate were deleted.
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db import transaction
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import urlencode

from hackathon.access import visible_editions
from hackathon.history import bulk_history
from hackathon.models import Edition
from participants.leaderboard import edition_board
from participants.models import Certificate
from participants.rendering import verification_url, wording
from participants.scores import share_expression
from tasks.models import Contribution, task_order
from tasks.stats import points_expression
from tracks.choices import TrackKind
from tracks.models import Track

TRACK_CODES = {TrackKind.INDIVIDUAL: "IND", TrackKind.CAMP: "CAMP", TrackKind.FUNDABLE: "FUND"}


def track_code(track):
    """IND, CAMP, FUND for the standard tracks; T + the track's id for the others."""
    return TRACK_CODES.get(track.kind) or f"T{track.pk}"


def make_serial(edition, track, number):
    return f"{edition.serial_prefix}{edition.number}-{track_code(track)}-{number:04d}"


def qualifying(edition):
    """{(participant id, track id)} of everybody who qualifies for a certificate in the edition."""
    return set(
        Contribution.objects.counted()
        .filter(work__task__track__edition=edition)
        .order_by()
        .values_list("participant", "work__task__track")
        .distinct()
    )


@transaction.atomic
def issue_certificates(edition, issued_on=None):
    """Issue every certificate the edition's results call for and that is not issued yet.

    Returns the new certificates. Issuing again creates nothing. The edition's tracks are locked
    for the transaction, so two issuers never give one number twice: the second waits for the
    first, then finds its certificates issued.
    """
    issued_on = issued_on or issue_date(edition)
    tracks = {
        track.pk: track
        for track in Track.objects.select_for_update().filter(edition=edition).order_by("pk")
    }
    existing = set(
        Certificate.objects.filter(track__edition=edition).values_list("participant", "track")
    )
    wanted = qualifying(edition) - existing
    if not wanted:
        return []
    logins = dict(
        Contribution.objects.filter(participant__in={person for person, _ in wanted})
        .order_by()
        .values_list("participant", Lower("participant__login"))
        .distinct()
    )
    order = sorted(wanted, key=lambda pair: (tracks[pair[1]].order, pair[1], logins[pair[0]]))
    certificates = []
    for track_id, pairs in groupby(order, key=lambda pair: pair[1]):
        track = tracks[track_id]
        for person_id, _ in pairs:
            track.certificates_numbered += 1
            certificates.append(
                Certificate(
                    serial=make_serial(edition, track, track.certificates_numbered),
                    participant_id=person_id,
                    track=track,
                    issued_on=issued_on,
                )
            )
    Track.objects.bulk_update(tracks.values(), ["certificates_numbered"])
    issued = Certificate.objects.bulk_create(certificates)
    # Profiles list certificates: their cached copies expire.
    Edition.objects.filter(pk=edition.pk).results_changed()
    return issued


@transaction.atomic
def issue_certificate(participant, track, issued_on=None):
    """Issue one certificate (an organizer's, in the admin), numbered like issue_certificates()
    numbers them, under the same lock of the track.

    Returns (certificate, created). When the person's certificate for the track was issued in the
    meantime (a bulk issue that ran while the organizer filled the form), it is that one.
    """
    track = Track.objects.select_for_update().select_related("edition").get(pk=track.pk)
    # Read under the lock: a bulk issue that held it has committed its certificates by now.
    existing = Certificate.objects.filter(participant=participant, track=track).first()
    if existing is not None:
        return existing, False
    track.certificates_numbered += 1
    track.save(update_fields=["certificates_numbered"])
    certificate = Certificate.objects.create(
        serial=make_serial(track.edition, track, track.certificates_numbered),
        participant=participant,
        track=track,
        issued_on=issued_on or issue_date(track.edition),
    )
    return certificate, True


def issue_date(edition):
    """The date a certificate of the edition carries unless an organizer gives one: the day its
    results were published (Beijing time), not the day somebody ran the command (a 2024
    edition's certificates issued in 2026 said 2026); today before the results are out."""
    if edition.results_published_at is not None:
        return timezone.localdate(edition.results_published_at)
    return timezone.localdate()


def honour_of(certificate):
    """The edition's honour (飞桨开源之星) in the request's language when the certificate's holder
    receives it; "" otherwise. ``certificate`` comes with its track__edition."""
    edition = certificate.track.edition
    if not edition.honour:
        return ""
    standing = edition_board(edition).standing_of(certificate.participant_id)
    return edition.honour if standing is not None and edition.is_honoured(standing.rank) else ""


def linkedin_url(certificate):
    """LinkedIn's documented "add to profile" address for the certificate: its name, the
    edition as issuer, the month it was issued, its serial and verification address."""
    title = wording(certificate)[0]
    edition = certificate.track.edition
    query = urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": f"{title}: {certificate.track.local_name}",
            "organizationName": edition.local_name,
            "issueYear": certificate.issued_on.year,
            "issueMonth": certificate.issued_on.month,
            "certUrl": verification_url(certificate),
            "certId": certificate.serial,
        }
    )
    return f"https://www.linkedin.com/profile/add?{query}"


def qualifies(participant, track):
    """Whether the person completed work on a published task of the track."""
    return (
        Contribution.objects.counted()
        .filter(participant=participant, work__task__track=track)
        .exists()
    )


@transaction.atomic
def revoke_certificates(certificates, reason, now=None, user=None):
    """Revoke the valid ones among ``certificates`` (a queryset) for ``reason``; returns how many.
    A revoked certificate keeps its serial, and its page says it is revoked and why; its history
    records the revocation, by ``user``, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A revocation needs a reason.")
    valid = certificates.filter(revoked_at__isnull=True)
    editions = list(
        Edition.objects.filter(tracks__certificates__in=valid).values_list("pk", flat=True)
    )
    ids = list(valid.values_list("pk", flat=True))
    count = Certificate.objects.filter(pk__in=ids).update(
        revoked_at=now or timezone.now(), revocation_reason=reason
    )
    revoked = list(Certificate.objects.filter(pk__in=ids))
    bulk_history(Certificate, revoked, update=True, user=user, reason=reason)
    Edition.objects.filter(pk__in=editions).results_changed()
    return count


@dataclass(frozen=True)
class CertifiedWork:
    """A line of a certificate: a completed task or project, with the grade where there is one."""

    batch: str
    code: str
    title: str
    grade: str
    grade_label: str
    team: str
    points: object
    reward: object


def certified_works(certificates):
    """{certificate id: [CertifiedWork]} for several certificates, in one query."""
    certificates = list(certificates)
    by_pair = {(c.participant_id, c.track_id): c.pk for c in certificates}
    if not by_pair:
        return {}
    contributions = (
        Contribution.objects.counted()
        .filter(
            participant__in={person for person, _ in by_pair},
            work__task__track__in={track for _, track in by_pair},
        )
        .select_related("work__task")
        .annotate(points=points_expression("work__"), reward=share_expression())
        .order_by(*task_order("work__task__"), "work_id")
    )
    works = {pk: [] for pk in by_pair.values()}
    for contribution in contributions:
        key = (contribution.participant_id, contribution.work.task.track_id)
        if key in by_pair:
            work, task = contribution.work, contribution.work.task
            works[by_pair[key]].append(
                CertifiedWork(
                    batch=task.batch,
                    code=task.code,
                    title=task.title,
                    grade=work.grade,
                    grade_label=work.get_grade_display() if work.grade else "",
                    team=work.team,
                    points=Decimal(contribution.points).quantize(Decimal("0.001")),
                    reward=None
                    if contribution.reward is None
                    else Decimal(contribution.reward).quantize(Decimal("0.01")),
                )
            )
    return works


def get_certificate_or_404(serial, user=None):
    """The certificate with this serial, with its person and edition, if the caller may see its
    edition: a draft edition's certificates are a 404 to the public, like the edition.

    Serials compare ignoring case (ph7-ind-0001 is PH7-IND-0001): they are written in capitals,
    digits and dashes only, so the lookup reads the unique index with the serial in capitals."""
    return get_object_or_404(
        Certificate.objects.select_related("participant", "track__edition").filter(
            track__edition__in=visible_editions(user)
        ),
        serial=serial.upper(),
    )
