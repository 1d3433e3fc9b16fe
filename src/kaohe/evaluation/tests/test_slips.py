"""The slips PDF (测评票签): A4, 8 slips a page, legible Chinese in a CJK font (not tofu boxes),
and QR codes that decode (zxing-cpp) to the ballot URL with the code in its fragment."""

from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp

from kaohe.evaluation import services
from kaohe.evaluation.codes import IssuedCode, generate_code
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.evaluation.slips import PER_PAGE, ballot_link, slips_pdf
from kaohe.plans.models import Plan

from .ballot_fixtures import load_voting_plan

BALLOT_URL = "https://kaohe.example.gov.cn/v/"
A4 = (595.0, 842.0)  # points, ±1
SCALE = 3  # 216 dpi: the QR modules are several pixels wide
MM = 72 / 25.4


class Rendered:
    """A PDF's pages and their grey images (the document stays open until ``close``)."""

    def __init__(self, pdf: bytes) -> None:
        self.document = pdfium.PdfDocument(pdf)
        self.pages = [self.document[i] for i in range(len(self.document))]
        self.images = [page.render(scale=SCALE).to_pil().convert("L") for page in self.pages]

    def text(self, index: int) -> str:
        return self.pages[index].get_textpage().get_text_range()

    def close(self) -> None:
        for page in self.pages:
            page.close()
        self.document.close()


def _font_of(page: pdfium.PdfPage, index: int) -> str:
    """The embedded font's name of character ``index`` of the page's text."""
    textpage = page.get_textpage()
    flags = ctypes.c_int()
    size = pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
    buffer = ctypes.create_string_buffer(size)
    pdfium_raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, size, ctypes.byref(flags))
    return buffer.value.decode()


def _objects(
    title: str, plan_name: str = "青山县2025年度综合考核"
) -> tuple[Evaluation, RaterGroup]:
    """Unsaved rows: the PDF needs names, not a database."""
    plan = Plan(code="2025-units", name=plan_name)
    evaluation = Evaluation(plan=plan, code="mz", name=title)
    return evaluation, RaterGroup(evaluation=evaluation, code="staff", name="干部职工代表")


def _codes(n: int) -> list[IssuedCode]:
    return [IssuedCode(number=i, code=generate_code()) for i in range(1, n + 1)]


def test_a4_pages_of_eight_slips_with_chinese_text_in_a_cjk_font() -> None:
    evaluation, group = _objects("领导班子民主测评")
    codes = _codes(10)
    pdf = slips_pdf(evaluation=evaluation, group=group, codes=codes, ballot_url=BALLOT_URL)
    rendered = Rendered(pdf)
    assert len(rendered.pages) == 2 and PER_PAGE == 8
    for page in rendered.pages:
        width, height = page.get_size()
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1
    first = rendered.pages[0]
    text = rendered.text(0)
    assert text.startswith("领导班子民主测评")
    for expected in ("青山县2025年度综合考核", "测评主体：干部职工代表", "第 1 号", "第 8 号",
                     codes[0].code, codes[7].code, "每个测评码只能投票一次"):  # fmt: skip
        assert expected in text, expected
    assert codes[8].code not in text  # the 9th slip is on page 2
    assert codes[8].code in rendered.text(1)
    # The title's glyphs come from an embedded CJK font (a subset: "ABCDEF+Noto-Sans-CJK-…").
    assert all("CJK" in _font_of(first, i) for i in range(8)), _font_of(first, 0)
    rendered.close()


def _glyphs(pdf: bytes, count: int) -> list[np.ndarray]:
    """The pixels of the first ``count`` characters of page 1 (the title), each cut out by
    the character box pdfium reports."""
    rendered = Rendered(pdf)
    textpage = rendered.pages[0].get_textpage()
    _, height = rendered.pages[0].get_size()
    image = rendered.images[0]
    glyphs = []
    for index in range(count):
        left, bottom, right, top = textpage.get_charbox(index)
        box = (left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE)
        cut = image.crop(tuple(round(v) for v in box)).resize((24, 24))
        glyphs.append(np.asarray(cut, dtype=np.int16))
    rendered.close()
    return glyphs


def test_the_chinese_title_is_drawn_as_distinct_glyphs_not_boxes() -> None:
    """Tofu draws every missing glyph as the same empty box. Here each character of the
    title carries ink, no two different characters look alike, and the same character
    looks the same wherever it is (测 twice)."""
    evaluation, group = _objects("领导班子测评民主测")
    pdf = slips_pdf(evaluation=evaluation, group=group, codes=_codes(1), ballot_url=BALLOT_URL)
    glyphs = _glyphs(pdf, 9)
    for glyph in glyphs:
        ink = (glyph < 128).mean()
        assert 0.05 < ink < 0.7, ink  # a character: neither blank nor a filled block
    differ = [
        (np.abs(glyphs[i] - glyphs[j]) > 96).mean() for i in range(8) for j in range(i + 1, 9)
    ]
    same = (np.abs(glyphs[4] - glyphs[8]) > 96).mean()  # 测 … 测
    assert same < 0.02
    assert sorted(differ)[1] > 0.08  # only the pair (测, 测) is alike


def test_every_qr_decodes_to_the_ballot_url_with_the_code_in_the_fragment() -> None:
    evaluation, group = _objects("民主测评")
    codes = _codes(10)
    pdf = slips_pdf(evaluation=evaluation, group=group, codes=codes, ballot_url=BALLOT_URL)
    decoded: list[str] = []
    rendered = Rendered(pdf)
    for image in rendered.images:
        decoded += [
            result.text
            for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        ]
    expected = [f"{BALLOT_URL}#{c.code.replace('-', '')}" for c in codes]
    assert sorted(decoded) == sorted(expected)
    assert ballot_link(BALLOT_URL, codes[0].code) == expected[0]
    # The code is never in the path or query string: browsers do not send the fragment.
    assert all(url.split("#")[0] == BALLOT_URL for url in decoded)
    rendered.close()


@pytest.mark.django_db
def test_issued_and_reprinted_slips_carry_the_real_codes() -> None:
    """Through the services: the PDF of a reprint is one slip with the new code, marked 补发."""
    plan = load_voting_plan(open_all=False)
    group = plan.group("mz", "leaders")
    issued = services.codes_issue(group=group, count=3)
    new = services.code_reissue(group=group, number=2)
    evaluation = plan.evaluation("mz")
    pdf = slips_pdf(
        evaluation=evaluation, group=group, codes=[new], ballot_url=BALLOT_URL, reprint=True
    )
    rendered = Rendered(pdf)
    assert len(rendered.pages) == 1
    text, image = rendered.text(0), rendered.images[0]
    assert "第 2 号" in text and "补发" in text and new.code in text
    assert issued[1].code not in text
    (result,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text == f"{BALLOT_URL}#{new.code.replace('-', '')}"
    rendered.close()
