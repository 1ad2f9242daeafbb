"""The certificate as a picture: Chinese in a CJK font, everything inside the frame, the QR code
of its verification address."""

import dataclasses
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

pytestmark = pytest.mark.usefixtures("english_site")

NOTDEF = "\U0010fffd"  # a private-use code point no font maps: drawn as .notdef (a box)
CHINESE_NAME = "欧阳飞桨"
LONG_NAME = "司马" * 30  # 60 characters
INNER = rendering.FRAME + 16  # the inner border: nothing is drawn beyond it
# Titles as long as the longest of the 6th and 7th editions' usual ones, in both languages.
LONG_ZH = "为 paddle.histogram/paddle.nn.functional.threshold 进行功能对齐与功能增强"
LONG_EN = "Align paddle.histogram and paddle.nn.functional.threshold with PyTorch and extend them"
# The longest title of the 6th edition (177 characters, no space in its API names).
LONGEST = (
    "将paddle内部的fake_channel_wise_dequantize_max_abs/fake_channel_wise_quantize_abs_max/"
    "fake_channel_wise_quantize_dequantize_abs_max/fake_dequantize_max_abs算子及其kernel实现"
    "从fluid下迁移到phi下"
)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://results.example"


def certificate(name=CHINESE_NAME, kind="individual", revoked=False, english_names=False):
    """An unsaved certificate (rendering reads no database), of an edition and track named in
    Chinese, and in English too with ``english_names``."""
    edition = Edition(slug="7th", number=7, name="飞桨黑客马拉松第七期")
    track = Track(edition=edition, kind=kind, name="开源贡献个人挑战赛", slug=kind)
    if english_names:
        edition.name_en = "PaddlePaddle Hackathon 7th"
        track.name_en = "Open-source contribution challenge"
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


def long_works(count):
    """``count`` works, Chinese and English long titles in turn; the 5th has the longest."""
    titles = [LONG_ZH, LONG_EN]
    return [
        dataclasses.replace(item, title=LONGEST if number == 5 else titles[number % 2])
        for number, item in enumerate(works(count), start=1)
    ]


def squeezed(text):
    """``text`` without its spaces: wrapped lines lose the spaces they were broken at."""
    return "".join(text.split())


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


def test_sixty_tasks_and_a_sixty_character_name_go_on_over_three_pages_inside_their_frames():
    page = rendering.draw_certificate(certificate(name=LONG_NAME, revoked=True), long_works(60))

    assert page.image.size == (1754, 3 * 1240)  # the pages one under the other
    outside = []
    for what, (left, top, right, bottom) in page.boxes:
        offset = top // 1240 * 1240
        top, bottom = top - offset, bottom - offset
        if left < INNER or top < INNER or right > 1754 - INNER or bottom > 1240 - INNER:
            outside.append((what, (left, top, right, bottom)))
    assert outside == []
    names = [text for what, text in page.texts if what == "name"]
    # Wrapped on two lines on the first page; shortened before the login on the others.
    assert names == [
        "司马" * 17 + "司",
        "马" + "司马" * 12,
        "司马" * 27 + "… @ouyang-dev",
        "司马" * 27 + "… @ouyang-dev",
    ]
    assert [text for what, text in page.texts if what == "footer" and "Page" in text] == [
        "Page 1 of 3",
        "Page 2 of 3",
        "Page 3 of 3",
    ]
    assert sum(1 for what, _ in page.boxes if what == "stamp") == 3
    # Every work is written in full: its lines, joined again, are its whole line.
    written = " ".join(text for what, text in page.texts if what == "work")
    for work in long_works(60):
        assert squeezed("• " + rendering.work_line(work)) in squeezed(written)
    assert "…" not in written
    # Nothing overlaps: on each page the works are below the name and above the footer.
    for number in range(3):
        on_page = [
            box
            for what, box in page.boxes
            if number * 1240 <= box[1] < (number + 1) * 1240 and what in ("work", "name", "footer")
        ]
        kinds = [what for what, box in page.boxes if box in on_page]
        works = [box for box, what in zip(on_page, kinds, strict=True) if what == "work"]
        footer_top = min(
            box[1] for box, what in zip(on_page, kinds, strict=True) if what == "footer"
        )
        name_bottom = max(
            box[3] for box, what in zip(on_page, kinds, strict=True) if what == "name"
        )
        assert name_bottom < min(box[1] for box in works)
        assert max(box[3] for box in works) < footer_top


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


def test_wrapping_breaks_latin_text_at_spaces_and_slashes_and_chinese_anywhere():
    font = rendering.get_type(20)
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
    # API names joined by slashes break after a slash; a word wider than a line anywhere.
    assert rendering.wrap(
        "max_pool1d/max_pool2d/max_pool3d", font, font.getlength("max_pool1d/max")
    ) == [
        "max_pool1d/",
        "max_pool2d/",
        "max_pool3d",
    ]
    assert rendering.wrap("abcdefgh", font, font.getlength("abc")) == ["abc", "def", "gh"]
    # The lines after the first are narrower by the indent.
    assert rendering.wrap(
        "aa bb cc", font, font.getlength("aa bb"), indent=font.getlength("a")
    ) == [
        "aa bb",
        "cc",
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


@hypothesis.settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(max_size=200), name=st.text(max_size=80))
def test_any_title_and_name_can_be_drawn(title, name):
    page = rendering.draw_certificate(certificate(name=name), works(2, title=title))

    drawn = [text for what, text in page.texts if what == "work"]
    assert drawn[0].startswith("• NO.1")
    assert sum(1 for text in drawn if text.startswith("• NO.")) == 2
    assert not any(char in text for text in drawn for char in "\n\r\x85\u2029")


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        # (size, columns, compact header, pages, each page's columns' heights)
        (1, (30, 1, False, 1, [{0: 42}])),
        (10, (24, 1, True, 1, [{0: 437}])),
        (20, (18, 2, True, 1, [{0: 495, 1: 545}])),
        (60, (18, 2, True, 3, [{0: 550, 1: 545}, {0: 655, 1: 655}, {0: 435, 1: 380}])),
    ],
)
def test_the_works_shrink_then_take_two_balanced_columns_then_more_pages(count, expected):
    plan = rendering.layout(certificate(), long_works(count))
    placed = plan.works

    heights = [placed.column_heights(page) for page in range(placed.pages)]
    assert (placed.size, placed.columns, plan.compact, placed.pages, heights) == expected
    assert len(plan.pages) == placed.pages
    # Every work once, in order, whole: its lines joined again are its line.
    assert [p.index for p in placed.placements] == list(range(count))
    for item, placement in zip(long_works(count), placed.placements, strict=True):
        assert squeezed("".join(placement.lines)) == squeezed("• " + rendering.work_line(item))
    # Two columns differ by at most one work's height (and the gap after it).
    gap = rendering.entry_gap(placed.size)
    for page, columns in enumerate(heights):
        tallest = max(p.height for p in placed.placements if p.page == page)
        assert len(columns) == 1 or abs(columns[0] - columns[1]) <= tallest + gap
    # No line is wider than its column (the lines after a work's first: less the indent).
    width = rendering._column_width(placed.columns)
    font = rendering.get_type(placed.size)
    for placement in placed.placements:
        first, *rest = placement.lines
        assert font.getlength(first) <= width
        assert all(font.getlength(line) <= width - placement.indent for line in rest)


def test_up_to_twenty_tasks_keep_the_picture_one_a4_page():
    image = rendering.draw_certificate(certificate(), long_works(20)).image

    assert image.size == (1754, 1240)


def test_a_work_taller_than_a_whole_column_goes_on_in_the_next():
    placed = rendering.place_works([LONGEST * 3, "NO.2 新增 API"], [(0, 200)], 30, 2)

    pieces = [(p.index, p.page, p.column, p.part, len(p.lines)) for p in placed.placements]
    # 16 lines of 42 pixels, 4 to a column of 200: four pieces, then the next work.
    assert pieces == [
        (0, 0, 0, 0, 4),
        (0, 0, 1, 1, 4),
        (0, 1, 0, 2, 4),
        (0, 1, 1, 3, 4),
        (1, 2, 0, 0, 1),
    ]
    lines = [line for p in placed.placements if p.index == 0 for line in p.lines]
    assert squeezed("".join(lines)) == squeezed("• " + LONGEST * 3)
