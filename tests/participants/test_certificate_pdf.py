"""The certificate as a PDF: every word real text in the embedded, subset CJK font, the same
layout and look as the PNG, every task in full over as many pages as it takes.

Its text is read with PDFium (pypdfium2, the reader of Chrome) and its fonts with pypdf.
"""

import io
import re
from decimal import Decimal

import hypothesis
import pypdfium2 as pdfium
import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from PIL import ImageChops, ImageStat
from pypdf import PdfReader

from participants import rendering
from participants.certificates import CertifiedWork
from tests.participants.test_rendering import certificate as unsaved_certificate

SITE = "https://results.example"
# Titles as long as the longest of the 6th and 7th editions' usual ones, in both languages.
LONG_ZH = "为 paddle.histogram/paddle.nn.functional.threshold 进行功能对齐与功能增强"
LONG_EN = "Align paddle.histogram and paddle.nn.functional.threshold with PyTorch and extend them"
# The longest title of the 6th edition (177 characters, no space in its API names).
LONGEST = (
    "将paddle内部的fake_channel_wise_dequantize_max_abs/fake_channel_wise_quantize_abs_max/"
    "fake_channel_wise_quantize_dequantize_abs_max/fake_dequantize_max_abs算子及其kernel实现"
    "从fluid下迁移到phi下"
)


def certificate(name="欧阳飞桨", kind="individual", revoked=False):
    """An unsaved certificate of an edition and track named in both languages."""
    return unsaved_certificate(name=name, kind=kind, revoked=revoked, english_names=True)


def work(number, title, grade_label=""):
    return CertifiedWork(
        batch="",
        code=f"NO.{number}",
        title=title,
        grade="",
        grade_label=grade_label,
        team="",
        points=Decimal("2.0"),
        reward=None,
    )


def long_works(count):
    """``count`` works, Chinese and English titles in turn, one of them the longest title."""
    titles = [LONG_ZH, LONG_EN]
    works = [work(number, titles[number % 2]) for number in range(1, count + 1)]
    if count >= 10:
        works[4] = work(5, LONGEST)
    return works


def render(language, *args, **kwargs):
    with override_settings(SITE_URL=SITE), translation.override(language):
        return rendering.render_pdf(*args, **kwargs)


def pages_text(pdf):
    """Each page's lines as PDFium reads them."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range().split("\r\n") for page in document]
    finally:
        document.close()


def squeezed(text):
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdfs():
    """The PDFs the tests read, each made once."""
    return {
        "zh": render(
            "zh-hans", certificate(), [work(1, "新增 API\n与文档")], honour="飞桨开源之星"
        ),
        "en": render(
            "en", certificate(revoked=True), [work(1, "新增 API"), work(2, "Docs", "Excellent")]
        ),
        10: render("en", certificate(revoked=True), long_works(10)),
        **{count: render("en", certificate(), long_works(count)) for count in (20, 60)},
    }


def test_a_chinese_certificate_reads_line_by_line(pdfs):
    assert pages_text(pdfs["zh"]) == [
        [
            "飞桨黑客马拉松第七期",
            "结项证书",
            "兹证明",
            "欧阳飞桨",
            "@ouyang-dev",
            "★ 飞桨开源之星 ★",
            "在开源贡献个人挑战赛中完成以下任务：",
            "• NO.1 新增 API 与文档",  # the title's line break is a space
            "证书编号：PH7-IND-0001",
            "颁发日期：2025-02-08",
            f"验证地址：{SITE}/certificates/PH7-IND-0001/",
        ]
    ]


def test_an_english_certificate_names_the_edition_and_track_in_english_and_shows_a_revocation(
    pdfs,
):
    assert pages_text(pdfs["en"]) == [
        [
            "REVOKED",  # the stamp, under the words
            "PaddlePaddle Hackathon 7th",
            "Certificate of completion",
            "This certifies that",
            "欧阳飞桨",
            "@ouyang-dev",
            "completed the tasks below in Open-source contribution challenge:",
            "• NO.1 新增 API",
            "• NO.2 Docs · Excellent",
            "Serial: PH7-IND-0001",
            "Issued on 2025-02-08",
            "Revoked on 2025-03-01: 重复颁发",
            f"Verify at {SITE}/certificates/PH7-IND-0001/",
        ]
    ]


@pytest.mark.parametrize(("count", "pages"), [(10, 1), (20, 1), (60, 3)])
def test_every_task_is_written_in_full_with_its_code(pdfs, count, pages):
    text = pages_text(pdfs[count])

    assert len(text) == pages
    whole = "\n".join("\n".join(lines) for lines in text)
    assert "…" not in whole
    # Each work's lines, joined again, hold its code and whole title (wrapped lines lose only
    # the spaces they were broken at).
    for item in long_works(count):
        assert squeezed(f"• {item.code} {item.title}") in squeezed(whole)
    assert squeezed(LONGEST) in squeezed(whole)
    if pages > 1:
        assert [lines[-1] for lines in text] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
        # The pages after the first say whose certificate they go on with.
        for lines in text[1:]:
            assert lines[:3] == [
                "PaddlePaddle Hackathon 7th",
                "Certificate of completion",
                "欧阳飞桨 @ouyang-dev",
            ]
    else:
        assert text[0][-1] == f"Verify at {SITE}/certificates/PH7-IND-0001/"


def test_the_font_is_embedded_as_a_subset_of_noto_sans_cjk(pdfs):
    for pdf in (pdfs["zh"], pdfs["en"], pdfs[60]):
        reader = PdfReader(io.BytesIO(pdf))
        fonts = {}
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                (descendant,) = font["/DescendantFonts"]
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                stream = descriptor["/FontFile3"].get_object()
                fonts[font["/BaseFont"]] = (stream["/Subtype"], len(stream.get_data()))
        names = sorted(fonts)
        assert [re.sub(r"^/[A-Z]{6}\+", "/ABCDEF+", name) for name in names] == [
            "/ABCDEF+NotoSansCJKSC",
            "/ABCDEF+NotoSansCJKSCBold",
        ]
        # CFF outlines in a CID-keyed font, only the glyphs used: a few kB of a 19 MB file.
        assert {subtype for subtype, _ in fonts.values()} == {"/CIDFontType0C"}
        assert all(size < 40_000 for _, size in fonts.values())


def test_the_file_is_small(pdfs):
    sizes = {key: len(pdf) for key, pdf in pdfs.items()}

    # Measured: 15 to 30 kB (60 tasks over 3 pages: about 30 kB).
    assert all(size < 60_000 for size in sizes.values()), sizes


def test_every_page_is_a4_landscape(pdfs):
    reader = PdfReader(io.BytesIO(pdfs[60]))

    # 1754 × 1240 pixels at 150 dpi: 841.92 × 595.2 points, A4 landscape (842 × 595).
    assert [[float(value) for value in page.mediabox] for page in reader.pages] == [
        [0, 0, 841.92, 595.2]
    ] * 3
    assert reader.metadata.title == "Certificate of completion PH7-IND-0001"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_pdf_looks_like_the_png_and_its_qr_code_holds_the_address(pdfs):
    with override_settings(SITE_URL=SITE), translation.override("en"):
        png = rendering.draw_certificate(certificate(revoked=True), long_works(10)).image
    document = pdfium.PdfDocument(pdfs[10])
    # At 150 dpi (a hair less: PDFium would round 1240.00003 pixels up to 1241).
    drawn = document[0].render(scale=rendering.RENDER_DPI / 72 * (1 - 1e-6)).to_pil()
    document.close()
    drawn, png = drawn.convert("L"), png.convert("L")

    assert drawn.size == png.size == (1754, 1240)
    # The same words, rules and stamp in the same places: the pictures differ only by the
    # anti-aliasing of the letters (measured: 2.3 of 255 on average; moved by a pixel, 6).
    assert ImageStat.Stat(ImageChops.difference(drawn, png)).mean[0] < 3.5
    moved = ImageChops.offset(png, 0, 1)
    assert ImageStat.Stat(ImageChops.difference(drawn, moved)).mean[0] > 5
    # The QR code's modules, drawn as vectors, are where the PNG has them.
    matrix, box, offset = rendering.qr_code(f"{SITE}/certificates/PH7-IND-0001/")
    left, top = rendering.WIDTH - rendering.PADDING - rendering.QR_SIZE + 40, rendering.FOOTER + 4
    dark = [
        [
            drawn.getpixel(
                (left + offset + col * box + box // 2, top + offset + row * box + box // 2)
            )
            < 128
            for col in range(len(matrix))
        ]
        for row in range(len(matrix))
    ]
    assert dark == matrix


def test_characters_the_font_lacks_are_boxes_in_both_renderings():
    title = "Emoji 🚀 and a private \ue000 character, a joiner\u200d gone"
    pdf = render("en", certificate(name="Ada 😀"), [work(1, title)])

    lines = pages_text(pdf)[0]
    assert "Ada □" in lines
    assert "• NO.1 Emoji □ and a private □ character, a joiner gone" in lines


@hypothesis.settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(st.characters(exclude_characters="\x00"), max_size=200),
    name=st.text(st.characters(exclude_characters="\x00"), max_size=80),
)
def test_any_title_and_name_make_a_pdf_with_its_serial(title, name):
    pdf = render("en", certificate(name=name), [work(1, title)])

    assert "Serial: PH7-IND-0001" in pages_text(pdf)[0]
