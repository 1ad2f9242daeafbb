"""Verifying a certificate: its page, its JSON, its PNG and PDF, and the holder's profile."""

import datetime
import io
import zoneinfo
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from PIL import Image

from participants.certificates import issue_certificates, revoke_certificates
from participants.models import Certificate, Participant
from tests.factories import EditionFactory, TaskFactory, TrackFactory, WorkFactory
from tests.hackathon.test_views import text

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
REVOKED_AT = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://results.example"


@pytest.fixture
def edition():
    edition = EditionFactory(number=7, slug="7th", name="飞桨黑客马拉松第七期")
    individual = TrackFactory(edition=edition, kind="individual", name="开源贡献个人挑战赛")
    camp = TrackFactory(edition=edition, kind="camp", name="护航计划集训营", order=1)
    for code, title, stars in [("NO.12", "新增 API", 2), ("NO.3", "修复文档", 1)]:
        WorkFactory(
            task=TaskFactory(track=individual, code=code, title=title, stars=stars),
            contributors=["alice"],
        )
    WorkFactory(
        task__track=individual, task__code="NO.20", status="pr_submitted", contributors=["alice"]
    )
    WorkFactory(
        task=TaskFactory(track=camp, batch="正式批", code="项目一", title="编译器优化", stars=None),
        grade="excellent",
        contributors=["alice"],
    )
    alice = Participant.objects.get(login="alice")
    alice.name, alice.email, alice.notes = "张三", "alice@example.com", "私人备注"
    alice.save()
    issue_certificates(edition, issued_on=datetime.date(2025, 2, 8))
    return edition


def test_known_serials_are_those_issued(edition):
    assert list(Certificate.objects.values_list("serial", "track__kind")) == [
        ("PH7-CAMP-0001", "camp"),
        ("PH7-IND-0001", "individual"),
    ]


def test_verification_page_shows_what_a_valid_certificate_says(client, edition):
    response = client.get("/certificates/PH7-IND-0001/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)

    assert response.status_code == 200
    assert reverse("certificate_detail", args=["PH7-IND-0001"]) == "/certificates/PH7-IND-0001/"
    assert "Certificate of completion PH7-IND-0001" in page
    assert "Valid This certificate was issued by the organizers and has not been revoked." in page
    assert "Holder 张三 @alice" in page
    assert "Edition 飞桨黑客马拉松第七期 Track 开源贡献个人挑战赛" in page
    assert "Issued on 2025-02-08" in page
    assert "NO.3 修复文档 1 2,000" in page
    assert "NO.12 新增 API 2 4,000" in page
    assert [(w.code, w.title) for w in response.context["works"]] == [
        ("NO.3", "修复文档"),
        ("NO.12", "新增 API"),
    ]
    html = response.content.decode()
    assert 'href="/people/alice/"' in html
    assert 'href="/certificates/PH7-IND-0001/certificate.png"' in html
    assert 'href="/certificates/PH7-IND-0001/certificate.pdf"' in html
    assert "https://results.example/certificates/PH7-IND-0001/" in page
    assert ("alice@example.com" in html, "私人备注" in html, "Revoked" in page) == (
        False,
        False,
        False,
    )


def test_chinese_pages_group_thousands_as_english_ones_do(client, edition):
    """One number format for both languages, through Django's localisation: the certificate's
    rewards (intcomma) and the leaderboard's (number_format) both read 4,000 in Chinese."""
    certificate = text(client.get("/certificates/PH7-IND-0001/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    board = text(client.get("/editions/7th/leaderboard/", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "NO.12 新增 API 2 4,000" in certificate
    assert "奖金（元） 1 alice 张三 8 3 16,000 " in board


def test_a_camp_certificate_lists_the_project_with_its_grade(client, edition):
    page = text(client.get("/certificates/PH7-CAMP-0001/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Certificate of graduation PH7-CAMP-0001" in page
    assert "Projects graduated with Project Grade Points Reward (CNY)" in page
    assert "正式批 项目一 编译器优化 Excellent 5 10,000" in page


def test_verification_page_of_a_revoked_certificate_says_so_and_why(client, edition):
    revoke_certificates(
        Certificate.objects.filter(serial="PH7-IND-0001"), "重复颁发", now=REVOKED_AT
    )

    page = text(client.get("/certificates/PH7-IND-0001/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Revoked Revoked on 2025-03-01. Reason: 重复颁发" in page
    assert "Valid" not in page


def test_api_says_what_a_valid_certificate_says(client, edition):
    response = client.get("/api/certificates/PH7-IND-0001/")

    assert response.status_code == 200
    assert response.json() == {
        "serial": "PH7-IND-0001",
        "valid": True,
        "revoked_at": None,
        "revocation_reason": "",
        "issued_on": "2025-02-08",
        "login": "alice",
        "name": "张三",
        "edition": {"slug": "7th", "name": "飞桨黑客马拉松第七期", "number": 7},
        "track": {"slug": "individual", "kind": "individual", "name": "开源贡献个人挑战赛"},
        "works": [
            {
                "batch": "",
                "code": "NO.3",
                "title": "修复文档",
                "grade": "",
                "points": 1.0,
                "reward": 2000.0,
            },
            {
                "batch": "",
                "code": "NO.12",
                "title": "新增 API",
                "grade": "",
                "points": 2.0,
                "reward": 4000.0,
            },
        ],
        "honour": None,
        "verification_url": "https://results.example/certificates/PH7-IND-0001/",
        "png_url": "https://results.example/certificates/PH7-IND-0001/certificate.png",
        "pdf_url": "https://results.example/certificates/PH7-IND-0001/certificate.pdf",
    }


def test_api_says_a_revoked_certificate_is_revoked_and_why(client, edition):
    revoke_certificates(
        Certificate.objects.filter(serial="PH7-CAMP-0001"), "答辩材料不实", now=REVOKED_AT
    )

    data = client.get("/api/certificates/PH7-CAMP-0001/").json()

    assert (data["valid"], data["revoked_at"], data["revocation_reason"]) == (
        False,
        "2025-03-01T12:00:00+08:00",
        "答辩材料不实",
    )
    assert data["track"] == {"slug": "camp", "kind": "camp", "name": "护航计划集训营"}
    assert data["works"] == [
        {
            "batch": "正式批",
            "code": "项目一",
            "title": "编译器优化",
            "grade": "excellent",
            "points": 5.0,
            "reward": 10000.0,
        }
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/certificates/PH7-IND-9999/",
        "/certificates/PH7-IND-9999/certificate.png",
        "/certificates/PH7-IND-9999/certificate.pdf",
        "/api/certificates/PH7-IND-9999/",
    ],
)
def test_unknown_serials_are_404(client, edition, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/certificates/ph7-ind-0001/", "text/html; charset=utf-8"),
        ("/certificates/Ph7-Ind-0001/certificate.png", "image/png"),
        ("/certificates/ph7-IND-0001/certificate.pdf", "application/pdf"),
        ("/api/certificates/ph7-ind-0001/", "application/json"),
    ],
)
def test_serials_are_found_whatever_their_case(client, edition, url, content_type):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    if content_type == "application/json":
        assert response.json()["serial"] == "PH7-IND-0001"


@pytest.mark.parametrize(
    "url",
    [
        "/certificates/PH7-IND-0001/",
        "/certificates/PH7-IND-0001/certificate.png",
        "/certificates/PH7-IND-0001/certificate.pdf",
        "/api/certificates/PH7-IND-0001/",
    ],
)
def test_certificates_of_a_draft_edition_are_404_for_the_public(client, edition, url):
    edition.is_public = False
    edition.save()

    assert client.get(url).status_code == 404


def test_organizers_preview_the_certificates_of_a_draft_edition(organizer_client, edition):
    edition.is_public = False
    edition.save()

    response = organizer_client.get("/certificates/PH7-IND-0001/")

    assert (response.status_code, response.context["certificate"].serial) == (200, "PH7-IND-0001")


def test_png_download_is_the_rendered_page_named_by_its_serial(client, edition):
    response = client.get("/certificates/PH7-IND-0001/certificate.png")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="PH7-IND-0001.png"'
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1754, 1240))


def test_pdf_download_is_named_by_its_serial(client, edition):
    response = client.get("/certificates/PH7-CAMP-0001/certificate.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="PH7-CAMP-0001.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_a_rendering_is_made_once_per_results_version_and_state(
    client, edition, django_assert_num_queries
):
    url = "/certificates/PH7-IND-0001/certificate.png"
    with django_assert_num_queries(3):  # the results clock, the certificate, its works
        first = client.get(url).content
    with django_assert_num_queries(0):  # the whole response comes from the cache
        assert client.get(url).content == first

    revoke_certificates(Certificate.objects.filter(serial="PH7-IND-0001"), "重复颁发")

    with django_assert_num_queries(3):
        revoked = client.get(url).content
    assert revoked != first


@pytest.mark.parametrize("url", ["/certificates/PH7-IND-0001/", "/api/certificates/PH7-IND-0001/"])
def test_page_and_api_queries_do_not_grow_with_the_works(
    client, edition, django_assert_num_queries, url
):
    # The results clock; the certificate with its person and edition; its works.
    with django_assert_num_queries(3):
        one = client.get(url)
    track = edition.tracks.get(kind="individual")
    for code in ("NO.40", "NO.41"):
        WorkFactory(task=TaskFactory(track=track, code=code), contributors=["alice"])
    with django_assert_num_queries(3):
        more = client.get(url)

    works = lambda response: (  # noqa: E731
        response.json()["works"] if url.startswith("/api/") else response.context["works"]
    )
    assert (len(works(one)), len(works(more))) == (2, 4)


def test_the_profile_lists_the_persons_certificates(client, edition):
    revoke_certificates(Certificate.objects.filter(serial="PH7-CAMP-0001"), "重复颁发")

    response = client.get("/people/alice/", HTTP_ACCEPT_LANGUAGE="en")
    page = text(response)

    assert "Certificates PH7-IND-0001 · 飞桨黑客马拉松第七期 · 开源贡献个人挑战赛 · Valid" in page
    assert "PH7-CAMP-0001 · 飞桨黑客马拉松第七期 · 护航计划集训营 · Revoked" in page
    assert 'href="/certificates/PH7-IND-0001/"' in response.content.decode()


def test_the_profile_shows_a_certificate_issued_after_it_was_cached(client, edition):
    WorkFactory(task__track__edition=edition, task__track__kind="fundable", contributors=["bob"])
    assert "Certificates" not in text(client.get("/people/bob/", HTTP_ACCEPT_LANGUAGE="en"))

    issue_certificates(edition)

    assert "PH7-FUND-0001" in text(client.get("/people/bob/", HTTP_ACCEPT_LANGUAGE="en"))


def test_openapi_schema_describes_the_certificate(client):
    schema = client.get("/api/openapi.json").json()

    operation = schema["paths"]["/api/certificates/{serial}/"]["get"]
    assert set(operation["responses"]) == {"200", "404"}
    assert set(schema["components"]["schemas"]["Certificate"]["properties"]) == {
        "serial",
        "valid",
        "revoked_at",
        "revocation_reason",
        "issued_on",
        "login",
        "name",
        "edition",
        "track",
        "works",
        "honour",
        "verification_url",
        "png_url",
        "pdf_url",
    }


def test_the_lookup_form_finds_a_serial_whatever_its_case(client, edition):
    found = client.get("/certificates/", {"serial": " ph7-ind-0001 "})
    missing = client.get("/certificates/", {"serial": "PH7-IND-9999"}, HTTP_ACCEPT_LANGUAGE="en")
    empty = client.get("/certificates/", HTTP_ACCEPT_LANGUAGE="en")

    assert (found.status_code, found["Location"]) == (302, "/certificates/PH7-IND-0001/")
    assert missing.status_code == 404
    assert "No certificate has the serial “PH7-IND-9999”" in missing.content.decode()
    assert empty.status_code == 200
    assert 'action="/certificates/"' in empty.content.decode()
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="serial"' in home


def test_the_lookup_form_of_a_draft_editions_serial_finds_nothing(client, edition):
    edition.is_public = False
    edition.save()

    assert client.get("/certificates/", {"serial": "PH7-IND-0001"}).status_code == 404


def test_the_page_shows_the_picture_shares_it_and_offers_linkedin(client, edition):
    html = client.get("/certificates/PH7-IND-0001/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert (
        '<img class="certificate-picture" src="/certificates/PH7-IND-0001/certificate.png" '
        'width="1754" height="1240"' in html
    )
    assert (
        '<meta property="og:image" '
        'content="https://results.example/certificates/PH7-IND-0001/certificate.png">\n'
        '  <meta property="og:image:width" content="1754">\n'
        '  <meta property="og:image:height" content="1240">'
    ) in html
    assert (
        '<meta property="og:url" content="https://results.example/certificates/PH7-IND-0001/">'
        in html
    )
    linkedin = "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": "Certificate of completion: 开源贡献个人挑战赛",
            "organizationName": "飞桨黑客马拉松第七期",
            "issueYear": "2025",
            "issueMonth": "2",
            "certUrl": "https://results.example/certificates/PH7-IND-0001/",
            "certId": "PH7-IND-0001",
        }
    ).replace("&", "&amp;")
    assert f'href="{linkedin}"' in html


def test_the_page_keeps_the_room_of_a_picture_of_several_pages(client, edition):
    """Twenty long titles go over two pages, drawn one under the other: the page says so, so
    that nothing moves when the picture arrives."""
    individual = edition.tracks.get(kind="individual")
    for number in range(20):
        WorkFactory(
            task=TaskFactory(
                track=individual, code=f"NO.{100 + number}", title="为 Paddle 新增 API " * 12
            ),
            contributors=["alice"],
        )

    html = client.get("/certificates/PH7-IND-0001/").content.decode()
    png = Image.open(io.BytesIO(client.get("/certificates/PH7-IND-0001/certificate.png").content))

    assert png.size == (1754, 2 * 1240)
    assert 'width="1754" height="2480"' in html
    assert '<meta property="og:image:height" content="2480">' in html


def test_a_revoked_certificate_offers_no_linkedin_link(client, edition):
    revoke_certificates(Certificate.objects.filter(serial="PH7-IND-0001"), "重复颁发")

    html = client.get("/certificates/PH7-IND-0001/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "linkedin.com" not in html
