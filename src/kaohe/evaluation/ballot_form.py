"""The ballot of a rater group and the check of a filled-in ballot (scoring.md §4, §8).

``group_form(group)`` says what a voter of the group sees: the assessees the group rates
(``scope``), the options with their values, the dimensions, the top-grade limit. The page's
script and ``check_ballot`` apply the same rules, so the voter is told before submitting.

Marks, as ``check_ballot`` takes them: a mapping ``{assessee code: value}`` or a sequence of
``(assessee code, value)`` pairs (pairs can repeat a code, which is then reported). The value:

- ``grade``: the option label, e.g. ``"优秀"``;
- ``score``: the number, as text (``"92.5"``) or a JSON number;
- ``dimensions``: ``{dimension: label}``, e.g. ``{"德": "优秀", "能": "称职", …}``;
- ``worst`` (kind): any true value picks the assessee (``True``, ``"1"``); false/empty does not.

``BallotCheck.errors`` are refusals (the ballot cannot be what a voter meant: an assessee the
group does not rate, a duplicate, a malformed or full-width number, a wrong shape);
``BallotCheck.void`` is the §4 reason why it would be void or carry a void mark (too many top
grades, unknown label, out of range, missing dimension, too many picks, nothing marked).
Online ballots are refused when either is set; paper ballots are refused on errors and stored
as written when only void (the counting then counts them void). ``BallotCheck.marks`` are the
rows to store, in the engine's mark format (``option`` of a dimensions mark is
``"德=优秀;能=称职;…"``; a worst pick has no option; an empty worst ballot is one row of
nothing), in scope order.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.models import PlanAssessee, Section

Marks = Mapping[str, Any] | Sequence[tuple[str, Any]]
Row = tuple[str | None, str | None]

# A score as a voter writes it: digits, at most one decimal point and two decimals.
_NUMBER = re.compile(r"^\d{1,6}(?:\.\d{1,2})?$")


@dataclass(frozen=True, slots=True)
class BallotForm:
    """What the voters of one rater group fill in."""

    evaluation_id: int
    evaluation_code: str
    evaluation_name: str
    plan_name: str
    kind: str
    form: str
    group_id: int
    group_code: str
    group_name: str
    assessees: tuple[tuple[str, str, str], ...]  # (code, name, detail), in ballot order
    options: tuple[tuple[str, float], ...]  # (label, value), in declared order
    top_labels: tuple[str, ...]  # the labels with the highest value
    dimensions: tuple[tuple[str, float], ...]  # (name, weight)
    max: float
    max_top_share: float | None
    max_picks: int | None

    @property
    def top_label(self) -> str | None:
        """The top grade (优秀) the limit is about: the first label with the highest value."""
        return self.top_labels[0] if self.top_labels else None

    @property
    def is_worst(self) -> bool:
        return self.kind == Evaluation.Kind.WORST

    def top_limit(self, k: int) -> int | None:
        """How many top grades a ballot marking ``k`` assessees may give (None: no limit):
        ``max(1, floor(k × max_top_share))`` on the share as written (scoring.md §8).

        >>> _example().top_limit(10), _example().top_limit(3), _example().top_limit(100)
        (2, 1, 29)
        """
        if self.max_top_share is None:
            return None
        num, den = Decimal(repr(float(self.max_top_share))).as_integer_ratio()
        return max(1, (k * num) // den)

    def names(self) -> dict[str, str]:
        return {code: name for code, name, _ in self.assessees}

    def as_json(self) -> dict[str, Any]:
        """What the ballot page's script needs to check a ballot as the server does."""
        return {
            "kind": self.kind,
            "form": self.form,
            "assessees": [{"code": c, "name": n, "detail": d} for c, n, d in self.assessees],
            "options": [{"label": label, "value": value} for label, value in self.options],
            "top": list(self.top_labels),
            "dimensions": [{"name": name, "weight": w} for name, w in self.dimensions],
            "max": self.max,
            "max_top_share": self.max_top_share,
            "top_num_den": (
                list(Decimal(repr(float(self.max_top_share))).as_integer_ratio())
                if self.max_top_share is not None
                else None
            ),
            "max_picks": self.max_picks,
        }


@dataclass(frozen=True, slots=True)
class BallotCheck:
    errors: list[str]
    void: str | None
    marks: tuple[Row, ...]
    blank: bool = False

    @property
    def ok(self) -> bool:
        """Acceptable as an online ballot: no error and nothing void."""
        return not self.errors and self.void is None


def scope(group: RaterGroup) -> list[str]:
    """The assessee codes ``group`` rates, in ballot order.

    The group's own list when it has one; otherwise every assessee of the plan categories
    whose sections use the evaluation; for an evaluation no section uses (评选最差 is never a
    section source) every assessee of the plan.
    """
    if group.assessees:
        return [str(code) for code in group.assessees]
    evaluation = group.evaluation
    categories = Section.objects.filter(
        plan_id=evaluation.plan_id,
        source=Section.Source.EVALUATION,
        evaluation=evaluation.code,
    ).values("category_id")
    rows = PlanAssessee.objects.filter(plan_id=evaluation.plan_id)
    if categories.exists():
        rows = rows.filter(category_id__in=categories)
    return list(rows.order_by("order").values_list("code", flat=True))


# Forms of open evaluations, per process (each server worker keeps its own): see group_form.
_FORMS: dict[tuple[Any, ...], BallotForm] = {}
_FORMS_KEPT = 256  # groups of open evaluations at once; beyond that the cache starts afresh


def _form_key(group: RaterGroup) -> tuple[Any, ...] | None:
    """What a cached form of ``group`` depends on, or None if it must not be cached.

    Only an open evaluation's form is cached: its settings and every group's scope are frozen
    at opening (the office's services refuse changes unless draft), so the key holds the
    rows a request has already read anyway (the code's group, evaluation and plan) rather
    than a version to look up: every field of the evaluation and group the form shows, and
    the plan's ``loaded_at``, which changes whenever the plan is saved or replaced — the
    only way the assessees' names and positions (the one thing read from other rows) change.
    """
    evaluation = group.evaluation
    if evaluation.status != Evaluation.Status.OPEN or not group.assessees:
        return None
    plan = evaluation.plan
    return (
        group.pk,
        group.code,
        group.name,
        tuple(str(code) for code in group.assessees),
        evaluation.pk,
        evaluation.opened_at,
        evaluation.code,
        evaluation.name,
        evaluation.kind,
        evaluation.form,
        json.dumps(evaluation.options, ensure_ascii=False, sort_keys=False),
        json.dumps(evaluation.dimensions, ensure_ascii=False, sort_keys=False),
        evaluation.max,
        evaluation.max_top_share,
        evaluation.max_picks,
        plan.pk,
        plan.name,
        plan.loaded_at,
    )


def group_form(group: RaterGroup) -> BallotForm:
    """The ballot form of ``group`` (its scope's names and details come from the plan).

    While the evaluation is open the form is built once per server process and kept (keyed
    by everything it is made of, ``_form_key``): every voter of the group asks for it two or
    three times, and building it reads the plan's assessees.
    """
    key = _form_key(group)
    if key is None:
        return _build_form(group)
    form = _FORMS.get(key)
    if form is None:
        form = _build_form(group)
        if len(_FORMS) >= _FORMS_KEPT:
            _FORMS.clear()
        _FORMS[key] = form
    return form


def _build_form(group: RaterGroup) -> BallotForm:
    evaluation = group.evaluation
    codes = scope(group)
    known = {
        row.code: row
        for row in PlanAssessee.objects.filter(plan_id=evaluation.plan_id, code__in=codes)
    }
    assessees = tuple(
        (code, known[code].name, known[code].position or "") for code in codes if code in known
    )
    options = tuple(
        (str(label), float(value)) for label, value in (evaluation.options or {}).items()
    )
    top = max((value for _, value in options), default=None)
    return BallotForm(
        evaluation_id=evaluation.pk,
        evaluation_code=evaluation.code,
        evaluation_name=evaluation.name,
        plan_name=evaluation.plan.name,
        kind=evaluation.kind,
        form=evaluation.form,
        group_id=group.pk,
        group_code=group.code,
        group_name=group.name,
        assessees=assessees,
        options=options,
        top_labels=tuple(label for label, value in options if value == top),
        dimensions=tuple(
            (str(name), float(w)) for name, w in (evaluation.dimensions or {}).items()
        ),
        max=float(evaluation.max),
        max_top_share=evaluation.max_top_share,
        max_picks=evaluation.max_picks,
    )


def _full_width(text: str) -> bool:
    return any(0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" for ch in text)


def _pairs(marks: Any) -> list[tuple[Any, Any]] | None:
    if isinstance(marks, Mapping):
        return list(marks.items())
    if isinstance(marks, (list, tuple)):
        pairs = []
        for item in marks:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                return None
            pairs.append((item[0], item[1]))
        return pairs
    return None


def _picked(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() not in ("", "0", "false", "False")
    return bool(value)


class _Checker:
    """One ballot's check: collects errors and void reasons, and the rows to store."""

    def __init__(self, form: BallotForm) -> None:
        self.form = form
        self.names = form.names()
        self.labels = {label for label, _ in form.options}
        self.errors: list[str] = []
        self.void: list[str] = []
        self.rows: dict[str, str | None] = {}
        self.tops = 0

    def who(self, code: str) -> str:
        return f"“{self.names[code]}”（{code}）"

    def label(self, code: str, value: Any, where: str = "") -> str | None:
        """A grade label as written, or None after an error; an unknown label is void."""
        if not isinstance(value, str):
            self.errors.append(f"{self.who(code)}{where}的评价应为选项文字")
            return None
        label = value.strip()
        if not label:
            return ""
        if label not in self.labels:
            self.void.append(f"{self.who(code)}{where}的“{label}”不是本票的选项")
        return label

    def grade(self, code: str, value: Any) -> None:
        label = self.label(code, value)
        if label:
            self.rows[code] = label
            self.tops += label in self.form.top_labels

    def score(self, code: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.errors.append(f"{self.who(code)}的分数应为数字")
            return
        if isinstance(value, (int, float)):
            if not math.isfinite(value):
                self.errors.append(f"{self.who(code)}的分数不是有效数字")
                return
            text = format(Decimal(repr(value)).normalize(), "f")
        else:
            text = value.strip()
        if not text:
            return
        if _full_width(text):
            self.errors.append(f"{self.who(code)}的分数“{text}”含全角字符，请用半角数字")
            return
        if not _NUMBER.match(text):
            self.errors.append(
                f"{self.who(code)}的分数“{text}”格式不正确（应为 0 到 {self.form.max:g} 的数，"
                "最多两位小数）"
            )
            return
        self.rows[code] = text
        number = Decimal(text)
        if number > Decimal(repr(self.form.max)):
            self.void.append(f"{self.who(code)}的分数 {text} 超出 0–{self.form.max:g} 分")
        elif number == Decimal(repr(self.form.max)):
            self.tops += 1

    def dimensions(self, code: str, value: Any) -> None:
        if not isinstance(value, Mapping):
            self.errors.append(f"{self.who(code)}应按维度逐项评价")
            return
        names = [name for name, _ in self.form.dimensions]
        stray = [str(d) for d in value if d not in names]
        if stray:
            self.errors.append(f"{self.who(code)}的评价含有本票没有的维度“{stray[0]}”")
            return
        given: list[tuple[str, str]] = []
        for name in names:
            if name not in value:
                continue
            label = self.label(code, value[name], f"“{name}”")
            if label:
                given.append((name, label))
        if not given:
            return
        missing = [name for name in names if name not in dict(given)]
        if missing:
            self.void.append(f"{self.who(code)}缺少“{'、'.join(missing)}”的评价")
        self.rows[code] = ";".join(f"{name}={label}" for name, label in given)
        if not missing and all(label in self.form.top_labels for _, label in given):
            self.tops += 1


def check_ballot(form: BallotForm, marks: Marks) -> BallotCheck:
    """Check one filled-in ballot of ``form`` (see the module's docstring for the shapes)."""
    pairs = _pairs(marks)
    if pairs is None:
        return BallotCheck(errors=["选票内容格式不正确"], void=None, marks=())
    checker = _Checker(form)
    seen: set[str] = set()
    for code, value in pairs:
        if not isinstance(code, str) or code not in checker.names:
            shown = code if isinstance(code, str) else repr(code)
            checker.errors.append(f"考核对象“{shown}”不在本测评主体的测评范围内")
            continue
        if code in seen:
            checker.errors.append(f"{checker.who(code)}重复出现")
            continue
        seen.add(code)
        if form.is_worst:
            if _picked(value):
                checker.rows[code] = None
        elif form.form == Evaluation.Form.GRADE:
            checker.grade(code, value)
        elif form.form == Evaluation.Form.SCORE:
            checker.score(code, value)
        else:
            checker.dimensions(code, value)
    if checker.errors:
        return BallotCheck(errors=checker.errors, void=None, marks=())
    order = [code for code, _, _ in form.assessees if code in checker.rows]
    rows: tuple[Row, ...] = tuple((code, checker.rows[code]) for code in order)
    k = len(rows)
    blank = k == 0
    if form.is_worst:
        if form.max_picks is not None and k > form.max_picks:
            checker.void.append(f"最多可选 {form.max_picks} 个，现选了 {k} 个")
        if blank:
            rows = ((None, None),)  # an empty worst ballot is valid and keeps its place
    elif blank:
        checker.void.append("空白票：没有评价任何对象")
    limit = None if form.is_worst else form.top_limit(k)
    if limit is not None and checker.tops > limit:
        top = form.top_label or "最高等次"
        checker.void.insert(
            0, f"“{top}”过多：本票评价了 {k} 人，最多可评 {limit} 个“{top}”，现有 {checker.tops} 个"
        )
    return BallotCheck(errors=[], void="；".join(checker.void) or None, marks=rows, blank=blank)


def encode(rows: Sequence[Row]) -> str:
    """A ballot's rows as the sealed slot's text: compact ASCII JSON (one byte a character,
    so the padded length is the stored size)."""
    return json.dumps([list(row) for row in rows], ensure_ascii=True, separators=(",", ":"))


def decode(content: str) -> list[Row]:
    return [(row[0], row[1]) for row in json.loads(content)]


def slot_length(form: BallotForm) -> int:
    """The fixed length of the group's slots: the longest ballot the form can produce as an
    online ballot (every assessee marked with the longest option), rounded up to 64."""
    if form.is_worst:
        longest = None
    elif form.form == Evaluation.Form.SCORE:
        longest = "9" * 6 + ".99"
    else:
        label = max(
            (label for label, _ in form.options), key=lambda x: len(encode([(x, x)])), default=""
        )
        if form.form == Evaluation.Form.DIMENSIONS:
            longest = ";".join(f"{name}={label}" for name, _ in form.dimensions)
        else:
            longest = label
    size = len(encode([(code, longest) for code, _, _ in form.assessees] or [(None, None)]))
    return max(64, -(-size // 64) * 64)


def _example() -> BallotForm:
    return BallotForm(
        evaluation_id=1,
        evaluation_code="mz",
        evaluation_name="民主测评",
        plan_name="方案",
        kind="standard",
        form="grade",
        group_id=1,
        group_code="g",
        group_name="组",
        assessees=(("A", "甲", ""),),
        options=(("优秀", 100.0), ("称职", 80.0)),
        top_labels=("优秀",),
        dimensions=(),
        max=100.0,
        max_top_share=0.29,
        max_picks=None,
    )
