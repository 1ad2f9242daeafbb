"""Organizers issue and revoke certificates in the admin."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from participants.admin import CertificateAdmin
from participants.certificates import issue_certificates
from participants.models import Certificate, Participant
from tests.factories import EditionFactory, ParticipantFactory, TaskFactory, WorkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_organizers_may_view_add_and_change_certificates_but_not_delete_them(organizer):
    assert [
        organizer.has_perm(f"participants.{action}_certificate")
        for action in ("view", "add", "change", "delete")
    ] == [True, True, True, False]


def test_issue_action_issues_every_qualifying_certificate_and_says_how_many(
    organizer_client, seventh
):
    url = reverse("admin:hackathon_edition_changelist")
    data = {"action": "issue_certificates", ACTION_CHECKBOX_NAME: [seventh.pk]}

    response = organizer_client.post(url, data, follow=True)

    assert messages_of(response) == ["47 certificates issued for 飞桨黑客马拉松第七期."]
    assert Certificate.objects.filter(track__edition=seventh).count() == 47
    again = organizer_client.post(url, data, follow=True)
    assert messages_of(again) == ["0 certificates issued for 飞桨黑客马拉松第七期."]


def test_revoke_action_asks_for_the_reason_then_revokes(organizer_client):
    WorkFactory(task__track__edition=EditionFactory(number=7), contributors=["alice", "bob"])
    issue_certificates(EditionFactory(number=7))
    alice = Certificate.objects.get(participant__login="alice")
    url = reverse("admin:participants_certificate_changelist")
    selected = {"action": "revoke", ACTION_CHECKBOX_NAME: [alice.pk]}

    asked = organizer_client.post(url, selected)

    assert asked.status_code == 200
    assert asked.templates[0].name == "admin/participants/certificate/revoke.html"
    assert [c.serial for c in asked.context["certificates"]] == [alice.serial]
    without_reason = organizer_client.post(url, {**selected, "apply": "1", "reason": " "})
    assert without_reason.context["form"].errors == {"reason": ["This field is required."]}
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 2

    done = organizer_client.post(
        url, {**selected, "apply": "1", "reason": "Duplicate of PH7-IND-0009"}, follow=True
    )

    assert messages_of(done) == ["1 certificate revoked."]
    alice.refresh_from_db()
    assert alice.revocation_reason == "Duplicate of PH7-IND-0009"
    assert timezone.now() - alice.revoked_at < datetime.timedelta(minutes=1)
    assert list(
        Certificate.objects.filter(revoked_at__isnull=True).values_list(
            "participant__login", flat=True
        )
    ) == ["bob"]


def test_organizer_issues_one_certificate_with_the_next_serial(organizer_client):
    work = WorkFactory(task__track__edition=EditionFactory(number=7), contributors=["alice"])
    track = work.task.track
    WorkFactory(task=TaskFactory(track=track), contributors=["bob"])
    issue_certificates(track.edition)
    Certificate.objects.get(participant__login="bob").delete()
    bob = Participant.objects.get(login="bob")

    response = organizer_client.post(
        reverse("admin:participants_certificate_add"),
        {"participant": bob.pk, "track": track.pk, "issued_on": "2025-02-08"},
    )

    assert response.status_code == 302
    assert list(Certificate.objects.values_list("serial", "participant__login")) == [
        ("PH7-IND-0001", "alice"),
        ("PH7-IND-0003", "bob"),
    ]


def test_a_certificate_needs_completed_work_in_its_track(organizer_client):
    track = WorkFactory(task__track__edition=EditionFactory(number=7)).task.track
    nobody = ParticipantFactory(login="nobody")

    response = organizer_client.post(
        reverse("admin:participants_certificate_add"),
        {"participant": nobody.pk, "track": track.pk, "issued_on": "2025-02-08"},
    )

    assert response.context["adminform"].form.non_field_errors() == [
        f"nobody completed no work in {track}: there is nothing to certify."
    ]
    assert Certificate.objects.count() == 0


def test_a_certificates_serial_holder_and_track_are_read_only(organizer_client):
    WorkFactory(task__track__edition=EditionFactory(number=7), contributors=["alice"])
    (certificate,) = issue_certificates(EditionFactory(number=7))

    response = organizer_client.get(
        reverse("admin:participants_certificate_change", args=[certificate.pk])
    )

    assert set(response.context["adminform"].form.fields) == {
        "issued_on",
        "revoked_at",
        "revocation_reason",
        "change_reason",  # for the history, not the certificate
    }
    assert certificate.serial in response.content.decode()


def test_certificate_list_searches_serials_and_logins_and_filters_revoked(organizer_client):
    WorkFactory(task__track__edition=EditionFactory(number=7), contributors=["alice", "bob"])
    issue_certificates(EditionFactory(number=7))
    Certificate.objects.filter(participant__login="bob").update(
        revoked_at=timezone.now(), revocation_reason="test"
    )
    url = reverse("admin:participants_certificate_changelist")

    def listed(**query):
        response = organizer_client.get(url, query)
        return [c.participant.login for c in response.context["cl"].result_list]

    assert listed(q="ALICE") == ["alice"]
    assert listed(q="PH7-IND-0002") == ["bob"]
    assert listed(state="revoked") == ["bob"]
    assert listed(state="valid") == ["alice"]


def test_reversing_the_certificate_permissions_migration_takes_them_back():
    migration = importlib.import_module(
        "participants.migrations.0005_organizers_certificate_permissions"
    )
    schema_editor = SimpleNamespace(connection=connection)
    group = Group.objects.get(name="Organizers")

    migration.revoke(global_apps, schema_editor)
    assert not group.permissions.filter(codename__endswith="_certificate").exists()
    migration.grant(global_apps, schema_editor)

    assert sorted(
        group.permissions.filter(codename__endswith="_certificate").values_list(
            "codename", flat=True
        )
    ) == ["add_certificate", "change_certificate", "view_certificate"]


def test_a_certificate_issued_while_the_form_was_filled_is_shown_not_issued_twice(
    organizer_client, monkeypatch
):
    work = WorkFactory(task__track__edition=EditionFactory(number=7), contributors=["alice"])
    alice = Participant.objects.get(login="alice")
    form_class = CertificateAdmin.form
    checked = form_class._post_clean

    def checked_then_bulk_issued(form):
        checked(form)  # the form finds no certificate for alice yet…
        issue_certificates(work.task.track.edition)  # …and a bulk issue runs right then

    monkeypatch.setattr(form_class, "_post_clean", checked_then_bulk_issued)
    response = organizer_client.post(
        reverse("admin:participants_certificate_add"),
        {"participant": alice.pk, "track": work.task.track.pk, "issued_on": "2025-02-08"},
        follow=True,
    )

    certificate = Certificate.objects.get()
    assert response.redirect_chain == [
        (reverse("admin:participants_certificate_change", args=[certificate.pk]), 302)
    ]
    assert messages_of(response) == [
        f"alice already has a certificate for {work.task.track}: PH7-IND-0001. Nothing was issued."
    ]
    assert Certificate.objects.count() == 1
