import datetime
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone, translation

from participants.certificates import certified_works, issue_certificate, issue_certificates
from participants.models import Certificate, Participant
from tests.factories import TaskFactory, TrackFactory, WorkFactory
from tests.seventh import build_seventh_edition

pytestmark = pytest.mark.django_db


def serials(edition, kind):
    return list(
        Certificate.objects.filter(track__edition=edition, track__kind=kind)
        .order_by("serial")
        .values_list("serial", "participant__login")
    )


def test_everybody_who_completed_work_gets_one_certificate_per_track(seventh):
    issued = issue_certificates(seventh, issued_on=datetime.date(2025, 2, 8))

    assert len(issued) == 19 + 19 + 9
    individual = serials(seventh, "individual")
    assert individual[:3] == [
        ("PH7-IND-0001", "ind-01"),
        ("PH7-IND-0002", "ind-02"),
        ("PH7-IND-0003", "ind-03"),
    ]
    assert len(individual) == 19
    camp = serials(seventh, "camp")
    assert (camp[0], camp[-1], len(camp)) == (
        ("PH7-CAMP-0001", "camp-02"),
        ("PH7-CAMP-0019", "ind-01"),
        19,
    )
    assert [login for _, login in serials(seventh, "fundable")] == [
        f"ind-{n:02d}" for n in range(2, 11)
    ]
    assert Certificate.objects.filter(issued_on=datetime.date(2025, 2, 8)).count() == 47


def test_issuing_twice_creates_nothing_new(seventh):
    issue_certificates(seventh)
    before = list(Certificate.objects.values_list("serial", "participant", "track"))

    assert issue_certificates(seventh) == []
    assert list(Certificate.objects.values_list("serial", "participant", "track")) == before


def test_a_serial_is_never_given_twice(seventh):
    issue_certificates(seventh)
    Certificate.objects.get(serial="PH7-IND-0019").delete()
    latecomer = WorkFactory(
        task=TaskFactory(track=seventh.tracks.get(kind="individual"), code="NO.60"),
        contributors=["late-finisher"],
    )

    issued = issue_certificates(seventh)

    assert sorted(c.serial for c in issued) == ["PH7-IND-0020", "PH7-IND-0021"]
    assert (
        Certificate.objects.get(serial="PH7-IND-0021").participant == latecomer.contributors.get()
    )


def test_withdrawn_and_unfinished_work_earns_no_certificate():
    track = TrackFactory()
    WorkFactory(task__track=track, task__withdrawn=True, contributors=["withdrawn"])
    WorkFactory(task__track=track, status="pr_submitted", contributors=["trying"])

    assert issue_certificates(track.edition) == []


def test_other_tracks_have_their_own_code():
    track = TrackFactory(kind="other", name="优秀稿件征集与传播", slug="articles")
    WorkFactory(task__track=track, contributors=["writer"])

    [certificate] = issue_certificates(track.edition)

    assert certificate.serial == f"PH{track.edition.number}-T{track.pk}-0001"


def test_a_certificate_lists_the_tracks_completed_work_with_grades(seventh):
    issue_certificates(seventh)
    camp = Certificate.objects.get(participant__login="ind-01", track__kind="camp")
    individual = Certificate.objects.get(participant__login="ind-01", track__kind="individual")

    works = certified_works([camp, individual])

    assert [(w.batch, w.code, w.grade, w.points) for w in works[camp.pk]] == [
        ("提前批", "项目一", "good", 4)
    ]
    assert [(w.code, w.points, w.reward) for w in works[individual.pk]] == [
        ("NO.1", 2, 4000),
        ("NO.20", 1, 2000),
    ]


def test_certified_works_take_one_query(seventh, django_assert_num_queries):
    issue_certificates(seventh)
    certificates = list(Certificate.objects.all())

    with django_assert_num_queries(1):
        works = certified_works(certificates)

    assert sum(len(lines) for lines in works.values()) == 27 + 19 + 16


def test_revoking_needs_a_reason():
    work = WorkFactory(contributors=["alice"])
    [certificate] = issue_certificates(work.task.track.edition)
    certificate.revoked_at = timezone.now()

    with pytest.raises(IntegrityError, match="certificate_revocation_has_a_reason"):
        certificate.save()


def test_the_command_issues_and_reports(seventh):
    out = StringIO()
    call_command("issue_certificates", edition="7th", stdout=out)
    again = StringIO()
    call_command("issue_certificates", edition="7th", stdout=again)

    assert "PH7-IND-0001\tind-01" in out.getvalue()
    assert (
        out.getvalue()
        .strip()
        .endswith("47 certificates issued for 飞桨黑客马拉松第七期; 47 in all.")
    )
    assert again.getvalue().strip() == "0 certificates issued for 飞桨黑客马拉松第七期; 47 in all."


def test_the_command_names_an_unknown_edition():
    # Commands speak the site's language (Chinese by default): this test reads English.
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="There is no edition with the slug “nope”"),
    ):
        call_command("issue_certificates", edition="nope")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuers_never_give_one_serial_twice():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes whole transactions")
    edition = build_seventh_edition()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            results.append(len(issue_certificates(edition)))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [0, 47]
    assert Certificate.objects.count() == 47
    assert Certificate.objects.values("serial").distinct().count() == 47
    assert Participant.objects.filter(certificates__isnull=False).distinct().count() == 37


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_organizer_issuing_by_hand_during_a_bulk_issue_gets_the_bulk_issued_certificate():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes whole transactions")
    work = WorkFactory(contributors=["alice"])
    track, alice = work.task.track, Participant.objects.get(login="alice")
    bulk_started, release = threading.Event(), threading.Event()
    outcome = {}

    def bulk_issue():  # holds the track's lock until released
        try:
            with transaction.atomic():
                outcome["bulk"] = issue_certificates(track.edition)
                bulk_started.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    def by_hand():
        try:
            outcome["by_hand"] = issue_certificate(alice, track)
        except Exception as error:  # reported below
            outcome["error"] = error
        finally:
            connections.close_all()

    bulk = threading.Thread(target=bulk_issue)
    bulk.start()
    assert bulk_started.wait(timeout=10)
    hand = threading.Thread(target=by_hand)
    hand.start()
    hand.join(timeout=0.3)
    assert hand.is_alive()  # waiting for the bulk issue's lock on the track
    release.set()
    bulk.join(timeout=10)
    hand.join(timeout=10)

    assert "error" not in outcome
    certificate, created = outcome["by_hand"]
    assert (certificate.serial, created) == (outcome["bulk"][0].serial, False)
    assert Certificate.objects.count() == 1


def test_certificates_carry_the_day_the_results_were_published_not_the_day_they_were_issued():
    published = datetime.datetime(2025, 1, 26, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Beijing
    work = WorkFactory(contributors=["alice"], task__track__edition__results_published_at=published)
    edition = work.task.track.edition

    (certificate,) = issue_certificates(edition)

    assert certificate.issued_on == datetime.date(2025, 1, 26)
    draft = WorkFactory(contributors=["bob"], task__track__edition__number=99).task.track.edition
    assert issue_certificates(draft)[0].issued_on == timezone.localdate()
