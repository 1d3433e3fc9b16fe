"""测评票签: the slips that carry the voting codes, as an A4 PDF (WeasyPrint), 8 per page.

Each slip: the plan, the evaluation and the rater group (Chinese), the slip number, the code in
large letters (grouped ``XXXX-XXXX-XXXX``), a QR code (segno) of the ballot URL with the code
in the fragment (``https://host/v/#CODE``: a browser never sends the fragment, so the code
stays out of every server and proxy log), and short instructions.

The PDF is made once, in the response to the issuing request; the codes are not stored in
clear anywhere, so a lost PDF cannot be printed again — a lost slip is reissued by number
(``services.code_reissue``), which revokes its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string

from kaohe.evaluation.models import Evaluation, RaterGroup

PER_PAGE = 8  # 2 columns × 4 rows of 105 × 74 mm
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


@dataclass(frozen=True, slots=True)
class Slip:
    number: int
    code: str  # printed form XXXX-XXXX-XXXX
    url: str  # the ballot URL with the code in its fragment
    qr: str  # the QR code as an SVG data URI


def compact(code: str) -> str:
    """The code without separators, as it goes into the URL fragment.

    >>> compact("3467-acde-FGHJ")
    '3467ACDEFGHJ'
    """
    return "".join(ch for ch in code if ch.isalnum()).upper()


def printed(code: str) -> str:
    """The code grouped by four for the eye.

    >>> printed("3467ACDEFGHJ")
    '3467-ACDE-FGHJ'
    """
    plain = compact(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def ballot_link(ballot_url: str, code: str) -> str:
    """``https://host/v/`` + ``#CODE``.

    >>> ballot_link("https://kaohe.example/v/", "3467-ACDE-FGHJ")
    'https://kaohe.example/v/#3467ACDEFGHJ'
    """
    return f"{ballot_url.split('#', 1)[0]}#{compact(code)}"


def make_slips(codes: Sequence[object], ballot_url: str) -> list[Slip]:
    """Slips for ``codes`` (objects with ``number`` and ``code``: ``codes.IssuedCode``)."""
    slips = []
    for issued in codes:
        number = int(issued.number)  # type: ignore[attr-defined]
        code = str(issued.code)  # type: ignore[attr-defined]
        url = ballot_link(ballot_url, code)
        qr = segno.make(url, error="m")
        slips.append(Slip(number=number, code=printed(code), url=url, qr=qr.svg_data_uri(border=0)))
    return slips


def slips_html(
    *,
    evaluation: Evaluation,
    group: RaterGroup,
    codes: Sequence[object],
    ballot_url: str,
    reprint: bool = False,
) -> str:
    slips = make_slips(codes, ballot_url)
    # Each slip's place on its page: 2 columns, 4 rows (absolute positions in the template).
    pages = [
        [
            {"slip": slip, "row": i // 2, "column": i % 2}
            for i, slip in enumerate(slips[start : start + PER_PAGE])
        ]
        for start in range(0, len(slips), PER_PAGE)
    ]
    return render_to_string(
        "evaluation/office_slips.html",
        {
            "plan": evaluation.plan,
            "evaluation": evaluation,
            "group": group,
            "pages": pages,
            "fonts": ", ".join(f'"{font}"' for font in CJK_FONTS),
            "site": ballot_url.split("#", 1)[0],
            "reprint": reprint,
        },
    )


def slips_pdf(
    *,
    evaluation: Evaluation,
    group: RaterGroup,
    codes: Sequence[object],
    ballot_url: str,
    reprint: bool = False,
) -> bytes:
    """The A4 PDF of the slips of ``codes`` (in the order given)."""
    from weasyprint import HTML

    html = slips_html(
        evaluation=evaluation, group=group, codes=codes, ballot_url=ballot_url, reprint=reprint
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return pdf


def slips_filename(evaluation: Evaluation, group: RaterGroup, first: int, last: int) -> str:
    """An ASCII file name (the Chinese names are in the PDF itself).

    >>> from kaohe.plans.models import Plan
    >>> e = Evaluation(code="mz", plan=Plan(code="2025-units"))
    >>> slips_filename(e, RaterGroup(code="staff"), 1, 40)
    'slips-2025-units-mz-staff-1-40.pdf'
    """
    parts = [evaluation.plan.code, evaluation.code, group.code, str(first), str(last)]
    safe = [
        "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in part)
        for part in parts
    ]
    return "slips-" + "-".join(safe) + ".pdf"
