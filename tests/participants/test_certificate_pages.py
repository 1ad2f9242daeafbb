import datetime

import pytest
from django.urls import reverse

from participants.certificates import issue_certificates
from participants.models import Certificate
from tests.factories import WorkFactory
from tests.hackathon.test_views import text

pytestmark = pytest.mark.django_db


def test_the_verification_page_is_at_the_certificates_url(client):
    work = WorkFactory(task__code="NO.12", task__title="新增 API", contributors=["alice"])
    issue_certificates(work.task.track.edition, issued_on=datetime.date(2025, 2, 8))
    certificate = Certificate.objects.get()

    assert certificate.get_absolute_url() == reverse(
        "certificate_detail", args=[certificate.serial]
    )
    assert certificate.get_absolute_url() == f"/certificates/{certificate.serial}/"
    response = client.get(certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "NO.12 新增 API" in text(response)
