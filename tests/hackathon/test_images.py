import struct
import zlib
from importlib import reload

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import clear_url_caches
from django.utils import translation

import hackathon.urls
from hackathon.images import validate_image_pixels
from hackathon.models import Edition
from participants.models import Participant
from tests.factories import EditionFactory


def png(width, height):
    """A valid PNG that says it is width × height pixels (black and white), without its pixels:
    Pillow reads and verifies it as an image; decoding it would need every pixel."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def upload(width, height, name="picture.png"):
    return SimpleUploadedFile(name, png(width, height), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def en_client(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def test_images_up_to_25_megapixels_pass_and_one_pixel_more_is_refused():
    validate_image_pixels(upload(5000, 5000))

    with pytest.raises(ValidationError) as refused:
        validate_image_pixels(upload(5000, 5001))
    with translation.override("en"):
        assert refused.value.messages == [
            "The image is 5000 × 5001 pixels (25.0 megapixels): at most 25 megapixels are "
            "accepted. Make it smaller and upload it again."
        ]


# Pillow warns (DecompressionBombWarning, a RuntimeWarning) about a 100-megapixel image: the
# tests make RuntimeWarnings errors, production logs them and goes on.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.django_db
def test_an_avatar_of_100_megapixels_is_refused_with_a_form_error(en_client, media):
    response = en_client.post(
        "/admin/participants/participant/add/",
        {"login": "alice", "avatar": upload(10_000, 10_000)},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["avatar"] == [
        "The image is 10000 × 10000 pixels (100.0 megapixels): at most 25 megapixels are "
        "accepted. Make it smaller and upload it again."
    ]
    assert (Participant.objects.count(), list(media.iterdir())) == (0, [])


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.django_db
def test_a_banner_of_100_megapixels_is_refused_with_a_form_error(media):
    edition = EditionFactory()
    form = modelform_factory(Edition, fields=["banner"])(
        data={}, files={"banner": upload(10_000, 10_000)}, instance=edition
    )

    with translation.override("en"):
        assert form.errors == {
            "banner": [
                "The image is 10000 × 10000 pixels (100.0 megapixels): at most 25 megapixels "
                "are accepted. Make it smaller and upload it again."
            ]
        }


def test_pillows_decompression_bomb_error_is_a_validation_error():
    """Beyond twice Pillow's own limit (179 megapixels) Pillow refuses to open the image."""
    with pytest.raises(ValidationError) as refused:
        validate_image_pixels(upload(20_000, 10_000))

    with translation.override("en"):
        assert refused.value.messages == [
            "The image is too large: at most 25 megapixels are accepted."
        ]
    with translation.override("zh-hans"):
        assert refused.value.messages == ["图片太大：最多接受 25 百万像素。"]


@pytest.mark.django_db
def test_an_avatar_beyond_pillows_limit_is_a_form_error_not_a_500(en_client, media):
    response = en_client.post(
        "/admin/participants/participant/add/",
        {"login": "alice", "avatar": upload(20_000, 10_000)},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["avatar"] == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]
    assert Participant.objects.count() == 0


@pytest.fixture
def demo_urls(settings):
    """The URL configuration as `make demo` loads it (DEBUG on), then as the tests do."""
    settings.DEBUG = True
    reload(hackathon.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    reload(hackathon.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_demo_serves_uploaded_avatars_but_not_staged_imports(en_client, media, demo_urls):
    (media / "imports").mkdir()
    (media / "imports" / "token.csv").write_text("track,code\n")
    en_client.post(
        "/admin/participants/participant/add/", {"login": "alice", "avatar": upload(72, 72)}
    )
    avatar = Participant.objects.get(login="alice").avatar

    response = en_client.get(avatar.url)

    assert (avatar.url, response.status_code) == ("/media/avatars/picture.png", 200)
    assert b"".join(response.streaming_content) == png(72, 72)
    assert en_client.get("/media/imports/token.csv").status_code == 404


@pytest.mark.django_db
def test_without_debug_uploads_are_left_to_their_storage(en_client, media):
    (media / "avatars").mkdir()
    (media / "avatars" / "picture.png").write_bytes(png(72, 72))

    assert en_client.get("/media/avatars/picture.png").status_code == 404
