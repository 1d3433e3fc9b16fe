"""Authorization expectations of the 第三方评估 import page (kaohe.evaluation.views_survey), in
the format of ``CASES`` in tests/test_authorization.py, which collects this table.

The factory plan ``2025-auth`` has the grade evaluation ``mz``: the page opens (and says that
only a score-form evaluation takes survey scores), and a POST without a file changes nothing.
"""

from __future__ import annotations

from authz_common import DENIED, LOGIN, PLAN, Case, expect, only

URL = f"/office/evaluations/{PLAN}/mz/survey/"

CASES: tuple[Case, ...] = (
    Case("evaluation_office:survey_import", URL, only("office"), note="考核办 only"),
    Case(
        "evaluation_office:survey_import",
        URL,
        only("office"),
        method="post",
        note="a POST without a file: the form's error, nothing stored",
    ),
    Case(
        "evaluation_office:survey_import",
        f"/office/evaluations/{PLAN}/no-such-evaluation/survey/",
        expect(
            anonymous=LOGIN,
            admin=DENIED,
            office="404",
            assessor=DENIED,
            unit=DENIED,
            supervisor=DENIED,
        ),
        note="an unknown evaluation is a 404 only for the office",
    ),
)
