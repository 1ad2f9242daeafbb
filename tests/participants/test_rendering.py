"""The certificate as a picture: Chinese in a CJK font, everything inside the frame, the QR code
of its verification address."""

import datetime
import io
from decimal import Decimal

import hypothesis
import pytest
import qrcode
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageFont

from hackathon.models import Edition
from participants import rendering
from participants.certificates import CertifiedWork
from participants.models import Certificate, Participant
from tracks.models import Track

NOTDEF = "\U0010fffd"  # a private-use code point no font maps: drawn as .notdef (a box)
CHINESE_NAME = "欧阳飞桨"
LONG_NAME = "司马" * 30  # 60 characters
INNER = rendering.FRAME + 16  # the inner border: nothing is drawn beyond it


@pytest.fixture(autouse=True)
def _english_and_site(settings):
    settings.SITE_URL = "https://results.example"
    with translation.override("en"):
        yield


def certificate(name=CHINESE_NAME, kind="individual", revoked=False):
    """An unsaved certificate: rendering reads no database."""
    edition = Edition(slug="7th", number=7, name="飞桨黑客马拉松第七期")
    track = Track(edition=edition, kind=kind, name="开源贡献个人挑战赛", slug=kind)
    cert = Certificate(
        serial="PH7-IND-0001",
        participant=Participant(login="ouyang-dev", name=name),
        track=track,
        issued_on=datetime.date(2025, 2, 8),
    )
    if revoked:
        cert.revoked_at = timezone.make_aware(datetime.datetime(2025, 3, 1, 12, 0))
        cert.revocation_reason = "重复颁发"
    return cert


def works(
    count, title="为 Paddle 新增 paddle.nn.functional.scaled_dot_product_attention 的实现与文档"
):
    return [
        CertifiedWork(
            batch="",
            code=f"NO.{n}",
            title=title,
            grade="",
            grade_label="",
            team="",
            points=Decimal("2.0"),
            reward=Decimal("4000.00"),
        )
        for n in range(1, count + 1)
    ]


def glyph(font, text):
    """The bitmap Pillow draws for ``text``: (size, pixels)."""
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def missing_characters(font, text):
    """The characters of ``text`` that the font draws as its .notdef box (not in its cmap)."""
    box = glyph(font, NOTDEF)
    return [char for char in text if glyph(font, char) == box]


def test_the_certificate_font_has_every_character_of_chinese_names_and_titles():
    for bold in (False, True):
        font = rendering.get_font(40, bold=bold)
        assert (
            missing_characters(font, CHINESE_NAME + "飞桨黑客马拉松第七期开源贡献个人挑战赛") == []
        )


def test_the_box_check_catches_a_font_without_chinese():
    latin_only = ImageFont.load_default(40)

    assert missing_characters(latin_only, CHINESE_NAME) == list(CHINESE_NAME)


def test_a_chinese_name_is_drawn_as_letters_not_as_boxes():
    font = rendering.get_font(64, bold=True)

    def drawn(text):
        image = Image.new("L", (600, 120), 0)
        ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
        return image

    name, boxes = drawn(CHINESE_NAME), drawn(NOTDEF * len(CHINESE_NAME))
    assert ImageChops.difference(name, boxes).getbbox() is not None
    # The four characters differ from each other too (boxes would all be alike).
    assert len({glyph(font, char) for char in CHINESE_NAME}) == 4


def test_the_png_is_an_a4_landscape_page():
    png = rendering.render_png(certificate(), works(3))

    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1754, 1240))


def test_the_pdf_is_one_a4_landscape_page():
    pdf = rendering.render_pdf(certificate(), works(3))

    assert pdf.startswith(b"%PDF-")
    # 1754 × 1240 pixels at 150 dpi: 841.92 × 595.2 points, A4 landscape (842 × 595).
    assert b"/MediaBox [ 0 0 841.92 595.2 ]" in pdf
    assert pdf.count(b"/Type /Page\n") == 1


def test_the_page_says_who_what_and_where_to_verify_it():
    page = rendering.draw_certificate(certificate(), works(2, title="新增 API"))
    drawn = {what for what, _ in page.boxes}

    assert drawn == {"edition", "title", "before", "name", "login", "after", "work", "qr", "footer"}
    assert rendering.wording(certificate()) == (
        "Certificate of completion",
        "This certifies that",
        "completed the tasks below in 开源贡献个人挑战赛:",
    )
    assert [rendering.work_line(work) for work in works(2, title="新增 API")] == [
        "NO.1 新增 API",
        "NO.2 新增 API",
    ]


def test_a_camp_certificate_is_worded_as_a_graduation():
    with translation.override("zh-hans"):
        title, _, after = rendering.wording(certificate(kind="camp"))

    assert title == "结营证书"
    assert "营员" in after
    with translation.override("zh-hans"):
        assert rendering.wording(certificate())[0] == "结项证书"


def test_the_qr_code_holds_the_verification_url():
    page = rendering.draw_certificate(certificate(), works(1))
    (box,) = [box for what, box in page.boxes if what == "qr"]

    expected = rendering.qr_image("https://results.example/certificates/PH7-IND-0001/")
    assert ImageChops.difference(page.image.crop(box), expected).getbbox() is None


def test_a_sixty_character_name_and_thirty_tasks_stay_inside_the_frame():
    page = rendering.draw_certificate(certificate(name=LONG_NAME, revoked=True), works(30))

    outside = [
        (what, box)
        for what, box in page.boxes
        if box[0] < INNER or box[1] < INNER or box[2] > 1754 - INNER or box[3] > 1240 - INNER
    ]
    assert outside == []
    names = [box for what, box in page.boxes if what == "name"]
    assert len(names) == 2  # wrapped on two lines, not cut
    lines = [box for what, box in page.boxes if what in ("work", "more")]
    works_drawn = sum(1 for what, _ in page.boxes if what == "work")
    assert works_drawn + 1 == len(lines)
    # Nothing overlaps: the works' lines are below the name and above the footer.
    footer_top = min(box[1] for what, box in page.boxes if what == "footer")
    assert max(box[3] for box in lines) < footer_top
    assert min(box[1] for box in lines) > max(box[3] for box in names)


def test_a_list_too_long_for_the_page_ends_with_how_many_more():
    page = rendering.draw_certificate(certificate(), works(80, title="新增 API"))
    shown = [text for what, text in page.texts if what == "work"]

    assert 20 < len(shown) < 80
    assert shown[:2] == ["• NO.1 新增 API", "• NO.2 新增 API"]
    assert [text for what, text in page.texts if what == "more"] == [
        f"… and {80 - len(shown)} more"
    ]


def test_the_page_reads_in_order():
    page = rendering.draw_certificate(certificate(revoked=True), works(1, title="新增 API"))

    assert page.texts == [
        ("edition", "飞桨黑客马拉松第七期"),
        ("title", "Certificate of completion"),
        ("before", "This certifies that"),
        ("name", CHINESE_NAME),
        ("login", "@ouyang-dev"),
        ("after", "completed the tasks below in 开源贡献个人挑战赛:"),
        ("work", "• NO.1 新增 API"),
        ("footer", "Serial: PH7-IND-0001"),
        ("footer", "Issued on 2025-02-08"),
        ("footer", "Revoked on 2025-03-01: 重复颁发"),
        ("footer", "Verify at https://results.example/certificates/PH7-IND-0001/"),
    ]


def test_a_revoked_certificate_carries_a_stamp_and_the_reason():
    valid = rendering.draw_certificate(certificate(), works(1))
    revoked = rendering.draw_certificate(certificate(revoked=True), works(1))

    assert "stamp" not in {what for what, _ in valid.boxes}
    assert "stamp" in {what for what, _ in revoked.boxes}
    # Validity is not baked into a valid certificate's picture: a copy would outlive a revocation.
    assert [text for what, text in valid.texts if what == "footer"] == [
        "Serial: PH7-IND-0001",
        "Issued on 2025-02-08",
        "Verify at https://results.example/certificates/PH7-IND-0001/",
    ]
    assert ("footer", "Revoked on 2025-03-01: 重复颁发") in revoked.texts


def test_wrapping_breaks_latin_text_at_spaces_and_chinese_anywhere():
    font = rendering.get_font(20)
    width = max(font.getlength("alpha beta"), font.getlength("gamma delta"))

    assert rendering.wrap("alpha beta gamma delta", font, width) == [
        "alpha beta",
        "gamma delta",
    ]
    assert rendering.wrap("飞桨" * 6, font, font.getlength("飞桨飞桨飞")) == [
        "飞桨飞桨飞",
        "桨飞桨飞桨",
        "飞桨",
    ]


def test_a_missing_font_is_a_clear_error(settings):
    settings.CERTIFICATE_FONT = "/nonexistent/NotoSansCJK-Regular.ttc"

    with pytest.raises(ImproperlyConfigured, match="apt-get install fonts-noto-cjk"):
        rendering.render_png(certificate(), works(1))


def test_the_qr_picture_has_every_module_of_the_urls_code_in_whole_pixels():
    url = "https://results.example/certificates/PH7-IND-0001/"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    picture = rendering.qr_image(url).convert("L")
    modules = len(matrix) + 4  # with its quiet zone of 2 modules each side
    box = rendering.QR_SIZE // modules
    offset = (rendering.QR_SIZE - modules * box) // 2 + 2 * box

    dark = [
        [
            picture.getpixel((offset + col * box + box // 2, offset + row * box + box // 2)) < 128
            for col in range(len(matrix))
        ]
        for row in range(len(matrix))
    ]
    assert dark == matrix
    assert box >= 4


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\r", "\u2029", "\x85", "\t", "\x00"])
def test_a_line_break_in_a_title_or_name_is_drawn_as_a_space(separator):
    title = f"新增 API{separator}与文档"
    page = rendering.draw_certificate(
        certificate(name=f"欧阳{separator}飞桨"), works(1, title=title)
    )

    assert ("work", "• NO.1 新增 API 与文档") in page.texts
    assert ("name", "欧阳 飞桨") in page.texts
    assert rendering.render_pdf(certificate(), works(1, title=title)).startswith(b"%PDF")


@hypothesis.settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(max_size=200), name=st.text(max_size=80))
def test_any_title_and_name_can_be_drawn(title, name):
    page = rendering.draw_certificate(certificate(name=name), works(2, title=title))

    drawn = [text for what, text in page.texts if what == "work"]
    assert len(drawn) == 2
    assert not any(char in text for text in drawn for char in "\n\r\x85\u2029")
