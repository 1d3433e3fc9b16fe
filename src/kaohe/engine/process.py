"""过程考核 rules (docs/process.md): the light of a milestone at an as-of date and the process
score P (0–100). Pure functions on plain values: no Django, no database.

The light rule (``warning_days`` = N, a per-plan setting, 7 by default), at as-of date ``t``
for a milestone due on ``d``:

- exempted on or before ``t``: ``exempt`` (grey; left out of the score);
- done on or before ``t``: ``green`` if done on or before ``d``, else ``yellow`` (done late:
  neither "done on time" nor "not done");
- not done and ``t > d``: ``red`` (overdue);
- not done and ``d - N <= t <= d``: ``yellow`` (due within N days, due today included);
- not done and ``t < d - N``: ``yellow`` if the latest report says behind schedule, else
  ``green``.

The score, at ``t``, with weights ``Wm, Wi, Wr`` (60/20/20 by default):

- milestones part M = 100 × Σ wₖ·cₖ / Σ wₖ over the *assessable* milestones — not exempted,
  and done by ``t`` or due before ``t`` — with credit cₖ = on time 1.0, late 0.6, not done 0.
  A milestone's weight wₖ is task weight × target weight × its weight within its target (its
  weight over the summed weights of its target's non-exempted milestones), so a target with
  many small steps does not outweigh one with a few big ones, and an exempted milestone's
  share goes to its siblings;
- inspections part I = Σ wⱼ·vⱼ / Σ wⱼ over the ratings recorded for months up to ``t``, vⱼ
  the rating's value (好 100, 较好 85, 一般 70, 差 50), wⱼ task weight × target weight;
- review part R = the mean of the frozen stage (half-year) scores dated up to ``t``;
- P = Σ W·part / Σ W over the parts that have data; a part without data (nothing assessable,
  no rating, no frozen review) is left out and the others are rescaled, with a line saying so;
  when no part has data P is ``None`` (the plan's ``process`` value stays missing).
  P is rounded to 2 decimals (half away from zero), like every reported figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from kaohe.engine.rounding import round2

Light = Literal["green", "yellow", "red", "exempt"]
Reason = Literal[
    "done_on_time", "on_schedule", "due_soon", "behind", "done_late", "overdue", "exempt"
]
RatingCode = Literal["good", "fairly_good", "fair", "poor"]

RATING_NAMES: Mapping[str, str] = {
    "good": "好",
    "fairly_good": "较好",
    "fair": "一般",
    "poor": "差",
}


@dataclass(frozen=True)
class ProcessSettings:
    """A plan's process settings (``ProcessPlan`` without the display names and colours)."""

    warning_days: int = 7
    weight_milestones: float = 60.0
    weight_inspections: float = 20.0
    weight_review: float = 20.0
    credit_on_time: float = 1.0
    credit_late: float = 0.6
    credit_missed: float = 0.0
    explanation_days: int = 5
    rectification_days: int = 30
    rating_good: float = 100.0
    rating_fairly_good: float = 85.0
    rating_fair: float = 70.0
    rating_poor: float = 50.0

    def rating_value(self, rating: str) -> float:
        """
        >>> ProcessSettings().rating_value("fairly_good")
        85.0
        """
        return float(getattr(self, f"rating_{rating}"))


@dataclass(frozen=True)
class LightState:
    light: Light
    reason: Reason
    days_left: int  # due date minus as-of date: 0 due today, negative overdue


def light(
    *,
    due_on: date,
    done_on: date | None,
    behind: bool,
    exempted_on: date | None,
    as_of: date,
    warning_days: int,
) -> LightState:
    """The light of a milestone at ``as_of`` (the rule in the module docstring).

    >>> d = date(2025, 6, 30)
    >>> def at(t, done=None, behind=False, exempt=None):
    ...     s = light(due_on=d, done_on=done, behind=behind, exempted_on=exempt, as_of=t,
    ...               warning_days=7)
    ...     return s.light, s.reason, s.days_left
    >>> at(date(2025, 6, 30))                       # due today
    ('yellow', 'due_soon', 0)
    >>> at(date(2025, 6, 23))                       # due in N = 7 days
    ('yellow', 'due_soon', 7)
    >>> at(date(2025, 6, 22))                       # due in N + 1 days
    ('green', 'on_schedule', 8)
    >>> at(date(2025, 6, 22), behind=True)          # reported behind schedule
    ('yellow', 'behind', 8)
    >>> at(date(2025, 7, 1))                        # one day overdue
    ('red', 'overdue', -1)
    >>> at(date(2025, 7, 10), done=date(2025, 7, 3))  # done late
    ('yellow', 'done_late', -10)
    >>> at(date(2025, 7, 2), done=date(2025, 7, 3))   # done later than the as-of date: not yet
    ('red', 'overdue', -2)
    >>> at(date(2025, 7, 10), done=date(2025, 6, 30))  # done on the due date
    ('green', 'done_on_time', -10)
    >>> at(date(2025, 7, 10), exempt=date(2025, 7, 8))
    ('exempt', 'exempt', -10)
    >>> at(date(2025, 7, 5), exempt=date(2025, 7, 8))  # exempted only later: red on the 5th
    ('red', 'overdue', -5)
    """
    days_left = (due_on - as_of).days
    if exempted_on is not None and exempted_on <= as_of:
        return LightState("exempt", "exempt", days_left)
    if done_on is not None and done_on <= as_of:
        if done_on <= due_on:
            return LightState("green", "done_on_time", days_left)
        return LightState("yellow", "done_late", days_left)
    if days_left < 0:
        return LightState("red", "overdue", days_left)
    if days_left <= warning_days:
        return LightState("yellow", "due_soon", days_left)
    if behind:
        return LightState("yellow", "behind", days_left)
    return LightState("green", "on_schedule", days_left)


# ---------------------------------------------------------------------------------------------
# The process score


@dataclass(frozen=True)
class MilestoneFact:
    """One milestone of an assessee's targets; ``weight`` is its weight within its target."""

    target: str  # any key naming its target (to share the weight among siblings)
    target_weight: float  # task weight × target weight
    weight: float
    due_on: date
    done_on: date | None = None
    exempted_on: date | None = None
    name: str = ""


@dataclass(frozen=True)
class InspectionFact:
    rating: str  # a RatingCode
    weight: float  # task weight × target weight
    month: date  # first day of the month inspected


@dataclass(frozen=True)
class ReviewFact:
    stage_name: str
    as_of: date
    score: float | None


@dataclass
class ProcessResult:
    score: float | None
    parts: dict[str, float | None] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    # Counts of the milestones part (for the quarterly feedback and tests).
    counts: dict[str, int] = field(default_factory=dict)


def _fmt(x: float) -> str:
    """A figure in a line: 2 decimals, without trailing zeros.

    >>> _fmt(80.0), _fmt(0.6), _fmt(84.16666)
    ('80', '0.6', '84.17')
    """
    text = f"{round2(x):.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def milestones_part(
    milestones: Sequence[MilestoneFact], settings: ProcessSettings, as_of: date
) -> tuple[float | None, dict[str, int], str]:
    """M (0–100) or None when nothing is assessable yet; the counts; the line.

    Two targets of weight 1; A has milestones a1 (weight 1, on time) and a2 (weight 1, late);
    B has b1 (weight 2, exempted) and b2 (weight 1, not done, overdue).
    Within A: a1 and a2 weigh 1/2 each; within B: b1 is left out, so b2 weighs 1/1 = 1.
    M = 100 × (0.5×1.0 + 0.5×0.6 + 1×0) / (0.5 + 0.5 + 1) = 100 × 0.8 / 2 = 40.

    >>> t = date(2025, 12, 31)
    >>> ms = [MilestoneFact("A", 1, 1, date(2025, 3, 31), date(2025, 3, 30)),
    ...       MilestoneFact("A", 1, 1, date(2025, 6, 30), date(2025, 7, 15)),
    ...       MilestoneFact("B", 1, 2, date(2025, 6, 30), None, date(2025, 7, 10)),
    ...       MilestoneFact("B", 1, 1, date(2025, 9, 30))]
    >>> m, counts, line = milestones_part(ms, ProcessSettings(), t)
    >>> m, counts
    (40.0, {'on_time': 1, 'late': 1, 'missed': 1, 'exempt': 1, 'not_yet': 0})
    """
    live = [m for m in milestones if m.exempted_on is None or m.exempted_on > as_of]
    totals: dict[str, float] = {}
    for m in live:
        totals[m.target] = totals.get(m.target, 0.0) + m.weight
    counts = {"on_time": 0, "late": 0, "missed": 0, "exempt": len(milestones) - len(live)}
    counts["not_yet"] = 0
    num = den = 0.0
    for m in live:
        done = m.done_on is not None and m.done_on <= as_of
        if done and m.done_on is not None and m.done_on <= m.due_on:
            credit, key = settings.credit_on_time, "on_time"
        elif done:
            credit, key = settings.credit_late, "late"
        elif m.due_on < as_of:
            credit, key = settings.credit_missed, "missed"
        else:
            counts["not_yet"] += 1  # not yet due and not done: not assessable
            continue
        counts[key] += 1
        w = m.target_weight * m.weight / totals[m.target]
        num += w * credit
        den += w
    assessed = counts["on_time"] + counts["late"] + counts["missed"]
    if den == 0:
        return (
            None,
            counts,
            (
                f"节点完成：截至 {as_of:%Y-%m-%d} 没有到期或已完成的节点，本项不计"
                + (f"（免责 {counts['exempt']} 个）" if counts["exempt"] else "")
            ),
        )
    m_score = 100.0 * num / den
    line = (
        f"节点完成 {_fmt(m_score)} 分：到期或已完成节点 {assessed} 个，"
        f"按时 {counts['on_time']} 个×{_fmt(settings.credit_on_time)}、"
        f"逾期完成 {counts['late']} 个×{_fmt(settings.credit_late)}、"
        f"未完成 {counts['missed']} 个×{_fmt(settings.credit_missed)}（按权重加权）"
    )
    if counts["exempt"]:
        line += f"；免责 {counts['exempt']} 个不计，其权重由同一目标的其他节点分担"
    return m_score, counts, line


def inspections_part(
    inspections: Sequence[InspectionFact], settings: ProcessSettings, as_of: date
) -> tuple[float | None, str]:
    """I (0–100) or None when no rating is recorded up to ``as_of``; the line.

    Ratings 好 (weight 2), 一般 (weight 1), 差 (weight 1):
    I = (2×100 + 70 + 50) / 4 = 80.

    >>> ins = [InspectionFact("good", 2, date(2025, 1, 1)), InspectionFact("fair", 1,
    ...        date(2025, 2, 1)), InspectionFact("poor", 1, date(2025, 3, 1)),
    ...        InspectionFact("poor", 1, date(2026, 1, 1))]
    >>> inspections_part(ins, ProcessSettings(), date(2025, 12, 31))[0]
    80.0
    """
    counted = [i for i in inspections if i.month <= as_of]
    den = sum(i.weight for i in counted)
    if den == 0:
        return None, "月度督查：没有督查评价，本项不计"
    value = sum(i.weight * settings.rating_value(i.rating) for i in counted) / den
    tally: dict[str, int] = {}
    for i in counted:
        tally[i.rating] = tally.get(i.rating, 0) + 1
    parts = "、".join(
        f"{RATING_NAMES[r]} {tally[r]} 次"
        for r in ("good", "fairly_good", "fair", "poor")
        if r in tally
    )
    return value, (
        f"月度督查 {_fmt(value)} 分：{len(counted)} 次评价（{parts}）；"
        f"好 {_fmt(settings.rating_good)}、较好 {_fmt(settings.rating_fairly_good)}、"
        f"一般 {_fmt(settings.rating_fair)}、差 {_fmt(settings.rating_poor)}（按权重平均）"
    )


def review_part(reviews: Sequence[ReviewFact], as_of: date) -> tuple[float | None, str]:
    """R: the mean of the frozen stage scores up to ``as_of`` (a stage with no score is left
    out), or None.

    >>> review_part([ReviewFact("上半年", date(2025, 6, 30), 82.5)], date(2025, 12, 31))[0]
    82.5
    """
    counted = [r for r in reviews if r.as_of <= as_of and r.score is not None]
    if not counted:
        return None, "半年考核：没有已冻结的阶段得分，本项不计"
    value = sum(r.score for r in counted if r.score is not None) / len(counted)
    stages = "、".join(f"{r.stage_name} {_fmt(r.score or 0.0)}" for r in counted)
    return value, f"半年考核 {_fmt(value)} 分：{stages}"


def process_score(
    *,
    milestones: Sequence[MilestoneFact],
    inspections: Sequence[InspectionFact],
    reviews: Sequence[ReviewFact],
    settings: ProcessSettings,
    as_of: date,
    with_review: bool = True,
) -> ProcessResult:
    """P at ``as_of`` with its parts and Chinese lines. ``with_review=False`` scores a stage
    review itself (milestones and inspections only, rescaled).

    M = 40 (``milestones_part``), I = 80 (``inspections_part``), R = 82.5:
    P = (60×40 + 20×80 + 20×82.5) / 100 = (2400 + 1600 + 1650) / 100 = 56.5.

    >>> t = date(2025, 12, 31)
    >>> ms = [MilestoneFact("A", 1, 1, date(2025, 3, 31), date(2025, 3, 30)),
    ...       MilestoneFact("A", 1, 1, date(2025, 6, 30), date(2025, 7, 15)),
    ...       MilestoneFact("B", 1, 2, date(2025, 6, 30), None, date(2025, 7, 10)),
    ...       MilestoneFact("B", 1, 1, date(2025, 9, 30))]
    >>> ins = [InspectionFact("good", 2, date(2025, 1, 1)), InspectionFact("fair", 1,
    ...        date(2025, 2, 1)), InspectionFact("poor", 1, date(2025, 3, 1))]
    >>> rv = [ReviewFact("上半年", date(2025, 6, 30), 82.5)]
    >>> r = process_score(milestones=ms, inspections=ins, reviews=rv,
    ...                   settings=ProcessSettings(), as_of=t)
    >>> r.score, r.parts
    (56.5, {'milestones': 40.0, 'inspections': 80.0, 'review': 82.5})

    Without a review, its 20 are shared by the others: (60×40 + 20×80) / 80 = 50.

    >>> process_score(milestones=ms, inspections=ins, reviews=[], settings=ProcessSettings(),
    ...               as_of=t).score
    50.0
    >>> process_score(milestones=[], inspections=[], reviews=[], settings=ProcessSettings(),
    ...               as_of=t).score is None
    True
    """
    m, counts, m_line = milestones_part(milestones, settings, as_of)
    i, i_line = inspections_part(inspections, settings, as_of)
    parts: dict[str, float | None] = {"milestones": m, "inspections": i}
    weights = {"milestones": settings.weight_milestones, "inspections": settings.weight_inspections}
    lines = [m_line, i_line]
    if with_review:
        r, r_line = review_part(reviews, as_of)
        parts["review"] = r
        weights["review"] = settings.weight_review
        lines.append(r_line)
    names = {"milestones": "节点完成", "inspections": "月度督查", "review": "半年考核"}
    # P is computed from the parts as the lines print them (2 decimals), so anyone can redo
    # the last line by hand and get P exactly.
    rounded = {k: (round2(v) if v is not None else None) for k, v in parts.items()}
    present = {k: v for k, v in rounded.items() if v is not None and weights[k] > 0}
    total_weight = sum(weights[k] for k in present)
    if total_weight == 0:
        lines.append("日常考核得分：没有可计分的内容，得分缺失（按计分规则计 0 分并标记）")
        return ProcessResult(None, rounded, lines, counts)
    p = round2(sum(weights[k] * v for k, v in present.items()) / total_weight)
    terms = " + ".join(f"{_fmt(weights[k])}×{_fmt(present[k])}" for k in present)
    missing = [names[k] for k in parts if k not in present and weights[k] > 0]
    note = f"；{'、'.join(missing)}无数据，其权重按比例分给其他分项" if missing else ""
    lines.append(f"日常考核得分 P = ({terms}) ÷ {_fmt(total_weight)} = {_fmt(p)}{note}")
    return ProcessResult(p, rounded, lines, counts)
