"""Reads for the office's evaluation pages: lists, scope, turnout and the count summary.

Secrecy (docs/voting-office.md): while an evaluation is open, the only figures any page gets
from here are turnout counts per group (codes issued, codes used, paper ballots entered);
``count_summary`` refuses an evaluation that is not closed or counted, and no breakdown of
fewer than ``MIN_BREAKDOWN`` ballots is ever handed to a page (``Breakdown.shown``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import Count, Q

from kaohe.engine.model import Evaluation as EngineEvaluation
from kaohe.engine.tally import GroupTally, Tally, tally
from kaohe.evaluation.marks import load_marks
from kaohe.evaluation.models import Ballot, Evaluation, PaperBatch, RaterGroup, VotingCode
from kaohe.plans.models import Plan, PlanAssessee
from kaohe.plans.selectors import evaluation_data

# A breakdown (of a group, or of anything smaller than the whole) with fewer ballots than this
# is never shown: with 3 ballots a voter's neighbours can tell how each of them voted.
MIN_BREAKDOWN = 5


def plans_with_evaluations() -> list[dict[str, object]]:
    """Every plan, newest first, with how many of its evaluations are in each state."""
    plans = Plan.objects.annotate(
        evaluations_total=Count("evaluations"),
        **{
            f"evaluations_{status}": Count("evaluations", filter=Q(evaluations__status=status))
            for status in Evaluation.Status.values
        },
    ).order_by("-year", "code")
    return [
        {
            "code": plan.code,
            "name": plan.name,
            "year": plan.year,
            "total": plan.evaluations_total,
            "by_status": {
                status: getattr(plan, f"evaluations_{status}")
                for status in Evaluation.Status.values
            },
        }
        for plan in plans
    ]


def plan_evaluations(plan: Plan) -> list[Evaluation]:
    """The plan's evaluations in declared order, each with ``group_count`` and ``codes_issued``
    (live codes: issued or used, not revoked)."""
    return list(
        Evaluation.objects.filter(plan=plan)
        .annotate(
            group_count=Count("groups", distinct=True),
            codes_issued=Count(
                "codes", filter=~Q(codes__state=VotingCode.State.REVOKED), distinct=True
            ),
        )
        .order_by("order")
    )


def evaluation_get(plan_code: str, evaluation_code: str) -> Evaluation:
    """The evaluation with its plan (``Evaluation.DoesNotExist`` when there is none)."""
    return Evaluation.objects.select_related("plan").get(plan__code=plan_code, code=evaluation_code)


def groups_of(evaluation: Evaluation) -> list[RaterGroup]:
    return list(evaluation.groups.order_by("order"))


def default_scope(evaluation: Evaluation) -> list[str]:
    """Who a group with no list of its own rates (``ballot_form.scope`` decides)."""
    from kaohe.evaluation.ballot_form import scope

    return scope(RaterGroup(evaluation=evaluation, assessees=[]))


def group_scope(group: RaterGroup) -> list[str]:
    from kaohe.evaluation.ballot_form import scope

    return scope(group)


def plan_assessees(plan: Plan) -> list[dict[str, str]]:
    """The plan's assessees in order (code, name, category name) for the scope page."""
    return [
        {"code": code, "name": name, "category": category}
        for code, name, category in PlanAssessee.objects.filter(plan=plan)
        .order_by("order")
        .values_list("code", "name", "category__name")
    ]


def has_voting_material(evaluation: Evaluation) -> bool:
    """True once codes, paper batches or ballots exist: the form and groups are then fixed
    (an issued slot's length and a printed slip depend on them)."""
    return (
        VotingCode.objects.filter(evaluation=evaluation).exists()
        or PaperBatch.objects.filter(evaluation=evaluation).exists()
        or Ballot.objects.filter(evaluation=evaluation).exists()
    )


@dataclass(frozen=True, slots=True)
class GroupTurnout:
    """参评情况 of one group: counts only, never what was voted."""

    code: str
    name: str
    issued: int  # live codes (issued or used)
    used: int  # codes used = online ballots cast
    paper: int  # paper ballots entered (committed)
    revoked: int
    expected: int | None  # 应参评人数: codes issued, else the group's own figure

    @property
    def returned(self) -> int:
        return self.used + self.paper

    @property
    def rate(self) -> float | None:
        """Ballots returned over expected (None when nothing is expected)."""
        if not self.expected:
            return None
        return self.returned / self.expected


@dataclass(frozen=True, slots=True)
class Turnout:
    groups: tuple[GroupTurnout, ...]

    @property
    def issued(self) -> int:
        return sum(g.issued for g in self.groups)

    @property
    def returned(self) -> int:
        return sum(g.returned for g in self.groups)

    @property
    def expected(self) -> int | None:
        """Σ 应参评 of the groups that have one; None when none has (shown "—", like them)."""
        known = [g.expected for g in self.groups if g.expected is not None]
        return sum(known) if known else None

    @property
    def rate(self) -> float | None:
        """Over every group (None unless each has an 应参评: a partial denominator would
        overstate it)."""
        if not self.expected or any(g.expected is None for g in self.groups):
            return None
        return self.returned / self.expected


def turnout(evaluation: Evaluation) -> Turnout:
    """Codes issued / used / revoked and paper ballots per group: three grouped counts."""
    codes: dict[tuple[int, str], int] = {
        (group_id, state): count
        for group_id, state, count in VotingCode.objects.filter(evaluation=evaluation)
        .values_list("group_id", "state")
        .annotate(n=Count("id"))
        .values_list("group_id", "state", "n")
    }
    paper: Mapping[int, int] = dict(
        Ballot.objects.filter(evaluation=evaluation, channel=Ballot.Channel.PAPER)
        .values_list("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    rows = []
    for group in groups_of(evaluation):
        issued = codes.get((group.pk, VotingCode.State.ISSUED), 0)
        used = codes.get((group.pk, VotingCode.State.USED), 0)
        live = issued + used
        rows.append(
            GroupTurnout(
                code=group.code,
                name=group.name,
                issued=live,
                used=used,
                paper=paper.get(group.pk, 0),
                revoked=codes.get((group.pk, VotingCode.State.REVOKED), 0),
                expected=live if live else group.expected,
            )
        )
    return Turnout(tuple(rows))


def engine_evaluation(evaluation: Evaluation) -> EngineEvaluation:
    """The stored evaluation as the engine reads it (``kaohe.plans.selectors`` does the same
    for a whole plan)."""
    return evaluation_data(evaluation, groups_of(evaluation))


class NotYetClosed(Exception):
    """Asked for a count summary while the evaluation is a draft or open."""


def hidden_groups(marks: Mapping[str, int]) -> set[str]:
    """The groups (code → valid marks, or ballots) whose breakdown may not be shown: those
    with 1 to 4, and — *secondary suppression* — while the hidden ones hold fewer than
    ``MIN_BREAKDOWN`` together, the smallest shown group too, or the whole (which is shown)
    minus the shown groups would give the hidden ones away. One rule for the count summary and
    the result pages (``kaohe.results.breakdowns``).

    >>> sorted(hidden_groups({"leaders": 3, "staff": 40, "public": 25}))
    ['leaders', 'public']
    >>> sorted(hidden_groups({"leaders": 3, "staff": 2, "public": 25}))
    ['leaders', 'staff']
    >>> sorted(hidden_groups({"a": 5, "b": 0, "c": 12}))
    []
    >>> sorted(hidden_groups({"only": 4}))
    ['only']
    """
    hidden = {code for code, n in marks.items() if 0 < n < MIN_BREAKDOWN}
    shown = sorted(
        ((n, code) for code, n in marks.items() if n > 0 and code not in hidden),
        reverse=True,
    )
    while hidden and sum(marks[code] for code in hidden) < MIN_BREAKDOWN and shown:
        hidden.add(shown.pop()[1])
    return hidden


@dataclass(frozen=True, slots=True)
class Breakdown(GroupTally):
    """One line of the summary (the engine's count of a group or of the whole). ``shown``:
    at least ``MIN_BREAKDOWN`` ballots and not hidden by the secondary rule
    (``hidden_groups``)."""

    shown: bool = True

    @property
    def empty(self) -> bool:
        """No ballot at all (未收到选票: nothing to hide)."""
        return self.ballots == 0

    @classmethod
    def of(cls, counted: GroupTally, *, shown: bool) -> Breakdown:
        values = {f.name: getattr(counted, f.name) for f in fields(GroupTally)}
        return cls(**values, shown=shown and counted.ballots >= MIN_BREAKDOWN)


@dataclass(frozen=True, slots=True)
class Summary:
    """计票汇总: the whole evaluation and its groups (each hidden below ``MIN_BREAKDOWN``)."""

    whole: Breakdown
    groups: tuple[Breakdown, ...]
    online: int  # ballots unsealed from the online box
    paper: int
    other: int  # imported from a document or a survey file


def count_summary(evaluation: Evaluation) -> Summary:
    """Valid / void by reason / blank of a closed or counted evaluation (engine ``tally``)."""
    if evaluation.status not in (Evaluation.Status.CLOSED, Evaluation.Status.COUNTED):
        raise NotYetClosed(evaluation.code)
    groups = groups_of(evaluation)
    marks = load_marks(
        evaluations={evaluation.pk: evaluation.code}, groups={g.pk: g.code for g in groups}
    )
    result: Tally = tally(engine_evaluation(evaluation), marks)
    channels = dict(
        Ballot.objects.filter(evaluation=evaluation)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    online = channels.pop(Ballot.Channel.ONLINE, 0)
    paper = channels.pop(Ballot.Channel.PAPER, 0)
    hidden = hidden_groups({g.code: g.ballots for g in result.groups})
    return Summary(
        whole=Breakdown.of(result, shown=True),
        groups=tuple(Breakdown.of(g, shown=g.code not in hidden) for g in result.groups),
        online=online,
        paper=paper,
        other=sum(channels.values()),
    )
