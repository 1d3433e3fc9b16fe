"""The demo county's evaluations run through the voting flow (issue 4, docs/demo.md).

``kaohe demo`` loads each plan *without* its ballots, so every evaluation comes in as a draft,
then plays the year's ballots through the same services the office, the voters and the clerks
use: open the evaluation, issue codes per rater group (a few more than voters: some slips are
never used), cast most ballots online with ``casting.cast_ballot``, type the void ones and a
share of the others as paper ballots in batches (``paper.entry_save`` / ``batch_commit``),
close (unsealing the online box) and count. The ballots are the generator's, so the counted
results are what scoring the generated documents gives (src/kaohe/demo/tests/test_flow.py).

Which ballot goes online is decided by the ballot itself and a seeded draw: a ballot the form
rules make void (too many top grades, a word not on the form, a dimension left out, two picks
on a worst ballot) cannot be cast online (the page refuses it), so it was a paper ballot; of
the others about ``PAPER_SHARE`` were paper ballots too. Codes are random (``secrets``), so
only the codes differ between two runs; what is counted is the same.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

from kaohe.engine.model import Document, empty_marks
from kaohe.evaluation import casting, paper, services
from kaohe.evaluation.ballot_form import BallotForm, check_ballot, group_form
from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.evaluation.paper_import import import_ballots

PAPER_SHARE = 0.06  # of the valid ballots, the share that were paper ballots typed by clerks
# Groups whose ballots are paper forms filled in where the voters are (服务对象 at the service
# windows, 村民代表 at village meetings), typed by an agency and imported as one file.
IMPORTED = frozenset({("mz2025", "public"), ("cy2025", "villagers")})
UNUSED_SHARE = 0.04  # slips issued but never used (absent or abstaining voters)
BATCH = 100  # paper ballots per batch, as clerks bundle them

Rows = list[tuple[str | None, str | None]]


@dataclass(frozen=True, slots=True)
class DemoClerk:
    """The clerk who types the demo's paper ballots (no account: the demo's accounts are
    created after the plans, and a single-entry batch needs no second clerk)."""

    pk: None = None
    username: str = "demo"


@dataclass
class FlowStats:
    """What the flow did, for the demo's printout and its tests."""

    evaluations: int = 0
    codes_issued: int = 0
    online: int = 0
    typed: int = 0
    imported: int = 0
    paper_void: int = 0
    seconds: float = 0.0
    by_evaluation: dict[str, dict[str, int]] = field(default_factory=dict)

    def line(self) -> str:
        unused = self.codes_issued - self.online
        return (
            f"测评流程：{self.evaluations} 项测评，发放测评码 {self.codes_issued} 个"
            f"（未使用 {unused} 个），网上投票 {self.online} 张；纸质票录入 {self.typed} 张、"
            f"导入 {self.imported} 张（含废票 {self.paper_void} 张）；用时 {self.seconds:.1f} 秒"
        )


@dataclass(frozen=True, slots=True)
class DemoBallot:
    group: str
    serial: str
    rows: Rows


def without_marks(document: Document) -> Document:
    """The document with no ballots: its evaluations are loaded as drafts."""
    from dataclasses import replace

    return replace(document, marks=empty_marks())


def ballots_of(marks: pl.DataFrame, evaluation: str) -> list[DemoBallot]:
    """The evaluation's ballots in document order, each with its (assessee, option) rows."""
    frame = marks.filter(pl.col("evaluation") == evaluation)
    ballots: dict[tuple[str, str], DemoBallot] = {}
    for group, serial, assessee, option in frame.select(
        "group", "ballot", "assessee", "option"
    ).iter_rows():
        key = (group, serial)
        ballot = ballots.get(key)
        if ballot is None:
            ballot = ballots[key] = DemoBallot(group, serial, [])
        ballot.rows.append((assessee, option))
    return list(ballots.values())


def _dimensions(option: str | None) -> dict[str, str]:
    """``"德=优秀;能=称职"`` → ``{"德": "优秀", "能": "称职"}`` (the engine's mark format)."""
    out: dict[str, str] = {}
    for part in (option or "").split(";"):
        if "=" in part:
            name, label = part.split("=", 1)
            out[name] = label
    return out


def online_marks(form: BallotForm, rows: Rows) -> dict[str, Any]:
    """A ballot's rows as the voter's page submits them (``ballot_form`` shapes)."""
    marks: dict[str, Any] = {}
    for assessee, option in rows:
        if assessee is None:  # a blank worst ballot: nothing picked
            continue
        if form.is_worst:
            marks[assessee] = True
        elif form.form == Evaluation.Form.DIMENSIONS:
            marks[assessee] = _dimensions(option)
        else:
            marks[assessee] = option
    return marks


def paper_keys(form: BallotForm, rows: Rows) -> dict[str, str]:
    """A ballot's rows as a clerk types them (paper.parse_keys): option numbers 1..n, 0 for a
    word not on the form (stored as 作废, a void mark like the word itself), picks by number."""
    index = {code: i for i, (code, _name, _detail) in enumerate(form.assessees)}
    labels = [label for label, _ in form.options]

    def key(label: str | None) -> str:
        return str(labels.index(label) + 1) if label in labels else paper.SPOILED_KEY

    if form.is_worst:
        picks = [str(index[a] + 1) for a, _ in rows if a is not None]
        return {paper.PICKS_FIELD: " ".join(picks)}
    keys: dict[str, str] = {}
    dims = [name for name, _ in form.dimensions]
    for assessee, option in rows:
        if assessee is None:
            continue
        i = index[assessee]
        if form.form == Evaluation.Form.DIMENSIONS:
            for name, label in _dimensions(option).items():
                keys[paper.key_field(i, dims.index(name))] = key(label)
        elif form.form == Evaluation.Form.SCORE:
            keys[paper.key_field(i)] = option or ""
        else:
            keys[paper.key_field(i)] = key(option)
    return keys


def _chunks(items: Sequence[DemoBallot], size: int) -> Iterator[Sequence[DemoBallot]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _import_file(directory: Path, ballots: Sequence[DemoBallot]) -> Path:
    """The ballots as the long-format CSV a counting agency hands over (workbook.md)."""
    path = directory / "ballots.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["group", "ballot", "assessee", "option"])
        for ballot in ballots:
            for assessee, option in ballot.rows:
                writer.writerow([ballot.group, ballot.serial, assessee or "", option or ""])
    return path


def run_evaluation(
    evaluation: Evaluation,
    ballots: Sequence[DemoBallot],
    *,
    rng: random.Random,
    actor: str,
    stats: FlowStats,
) -> None:
    """Open ``evaluation``, issue codes, cast, type and import ``ballots``, close it."""
    services.evaluation_open(evaluation=evaluation, actor=actor)
    groups = {g.code: g for g in RaterGroup.objects.filter(evaluation=evaluation)}
    forms = {code: group_form(group) for code, group in groups.items()}
    online: dict[str, list[dict[str, Any]]] = {code: [] for code in groups}
    typed: dict[str, list[DemoBallot]] = {code: [] for code in groups}
    imported: list[DemoBallot] = []
    for ballot in ballots:
        form = forms[ballot.group]
        marks = online_marks(form, ballot.rows)
        check = check_ballot(form, marks)
        if check.errors:  # the generator wrote something no voter could: a bug, say so
            raise ValueError(f"{evaluation.code} {ballot.serial}: {'；'.join(check.errors)}")
        if (evaluation.code, ballot.group) in IMPORTED:
            imported.append(ballot)
        elif check.void is not None or rng.random() < PAPER_SHARE:
            typed[ballot.group].append(ballot)
        else:
            online[ballot.group].append(marks)
    clerk = DemoClerk(username=actor)
    figures = {"codes": 0, "online": 0, "typed": 0, "imported": 0, "paper_void": 0}
    for code, group in groups.items():
        voters = online[code]
        if voters:
            count = len(voters) + max(1, round(len(voters) * UNUSED_SHARE))
            issued = services.codes_issue(group=group, count=count, actor=actor)
            figures["codes"] += len(issued)
            for slip, marks in zip(issued, voters, strict=False):
                casting.cast_ballot(code=slip.code, marks=marks)
            figures["online"] += len(voters)
        for bundle in _chunks(typed[code], BATCH):
            batch = paper.batch_create(group=group, double_entry=False, actor=clerk)
            for ballot in bundle:
                saved = paper.entry_save(
                    batch_id=batch.pk,
                    clerk=clerk,
                    serial=ballot.serial,
                    keys=paper_keys(forms[code], ballot.rows),
                )
                figures["paper_void"] += saved.void is not None
            paper.batch_commit(batch_id=batch.pk, actor=clerk)
            figures["typed"] += len(bundle)
    if imported:
        with tempfile.TemporaryDirectory(prefix="kaohe-demo-") as directory:
            done = import_ballots(
                evaluation_id=evaluation.pk,
                path=_import_file(Path(directory), imported),
                actor=clerk,
                name=f"{evaluation.code}-纸质票.csv",
            )
        figures["imported"] += done.ballots
        figures["paper_void"] += done.void
    services.evaluation_close(evaluation=evaluation, actor=actor)
    stats.evaluations += 1
    stats.codes_issued += figures["codes"]
    stats.online += figures["online"]
    stats.typed += figures["typed"]
    stats.imported += figures["imported"]
    stats.paper_void += figures["paper_void"]
    stats.by_evaluation[evaluation.code] = figures


def run_plan(
    plan_code: str,
    marks: pl.DataFrame,
    *,
    seed: int,
    actor: str,
    stats: FlowStats,
) -> None:
    """Every evaluation of the stored plan that has ballots in ``marks``, then the count."""
    started = time.perf_counter()
    evaluations = list(Evaluation.objects.filter(plan__code=plan_code).order_by("order"))
    with_ballots = set(marks.get_column("evaluation").unique().to_list())
    counted = None
    for evaluation in evaluations:
        if evaluation.code not in with_ballots:
            continue
        rng = random.Random(f"{seed}:{plan_code}:{evaluation.code}")
        run_evaluation(
            evaluation, ballots_of(marks, evaluation.code), rng=rng, actor=actor, stats=stats
        )
        counted = evaluation
    if counted is not None:
        services.evaluation_count(evaluation=counted, actor=actor)
    else:  # a plan without evaluations is computed as before
        from kaohe.plans.services import plan_compute

        plan_compute(plan_code=plan_code, actor=actor)
    stats.seconds += time.perf_counter() - started


def demo_load(
    documents: Sequence[Document], *, seed: int = 2025, actor: str = "demo"
) -> tuple[list[dict[str, Any]], FlowStats]:
    """Load the demo's plans as drafts, run their evaluations through the voting flow and count
    them; the stored results of each plan (in order) and what the flow did."""
    from kaohe.plans.selectors import plan_results_dict
    from kaohe.plans.services import plan_load

    stats = FlowStats()
    results: list[dict[str, Any]] = []
    with _unsynced_sqlite():
        for document in documents:
            plan_load(document=without_marks(document), actor=actor)
        for document in documents:
            run_plan(document.plan.code, document.marks, seed=seed, actor=actor, stats=stats)
            stored = plan_results_dict(document.plan.code)
            if stored is None:  # just counted
                raise RuntimeError(f"{document.plan.code} 计票后没有结果")
            results.append(stored)
    return results, stats


@contextmanager
def _unsynced_sqlite() -> Iterator[None]:
    """On SQLite, no fsync per commit while the demo casts its thousands of ballots one
    transaction each (``PRAGMA synchronous=OFF`` for this connection, restored after): the
    commits stay atomic, only a power cut could lose the demo database, which ``kaohe demo``
    rebuilds anyway. Roughly halves the demo's time; PostgreSQL is left as it is, and so is a
    caller's open transaction (SQLite cannot change it there, and nothing commits inside)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={before}")
