"""Reads for the paper-ballot pages (docs/paper-ballots.md): the evaluations open to entry
with their batches, the grid of one ballot, and a clerk's entries of a batch."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from kaohe.evaluation import ballot_form, paper
from kaohe.evaluation.ballot_form import BallotForm
from kaohe.evaluation.models import Ballot, Evaluation, PaperBatch, PaperEntry


def home() -> list[dict[str, Any]]:
    """Evaluations open to paper entry (open or closed, not yet counted), per plan order, each
    with its groups, its batches and the count of paper ballots already committed."""
    evaluations = list(
        Evaluation.objects.filter(status__in=paper.ENTERABLE)
        .select_related("plan")
        .prefetch_related("groups")
        .order_by("-plan__year", "plan__code", "order")
    )
    ids = [e.pk for e in evaluations]
    committed = dict(
        Ballot.objects.filter(evaluation_id__in=ids, channel=Ballot.Channel.PAPER)
        .values_list("evaluation_id")
        .annotate(n=Count("id"))
        .values_list("evaluation_id", "n")
    )
    batches: dict[int, list[dict[str, Any]]] = {}
    rows = (
        PaperBatch.objects.filter(evaluation_id__in=ids)
        .select_related("group")
        .annotate(
            first=Count("entries", filter=_round(1)),
            second=Count("entries", filter=_round(2)),
        )
        .order_by("number")
    )
    for batch in rows:
        batches.setdefault(batch.evaluation_id, []).append(
            {
                "id": batch.pk,
                "number": batch.number,
                "group": batch.group.name,
                "double_entry": batch.double_entry,
                "committed": batch.state == PaperBatch.State.COMMITTED,
                "state": batch.get_state_display(),
                "first": batch.first,
                "second": batch.second,
            }
        )
    return [
        {
            "id": e.pk,
            "plan": e.plan,
            "code": e.code,
            "name": e.name,
            "status": e.get_status_display(),
            "kind": e.get_kind_display(),
            "form": e.get_form_display(),
            "groups": list(e.groups.all()),
            "batches": batches.get(e.pk, []),
            "committed": committed.get(e.pk, 0),
        }
        for e in evaluations
    ]


def _round(number: int) -> Q:
    return Q(entries__round=number)


# ---------------------------------------------------------------------------------------------
# The grid of one ballot


@dataclass(frozen=True, slots=True)
class Cell:
    name: str  # the form field
    value: str
    errors: tuple[str, ...]
    label: str = ""  # what the key means (the option), for the dimensions' headers


@dataclass(frozen=True, slots=True)
class GridRow:
    number: int  # as printed on the ballot, 1..n
    code: str
    name: str
    detail: str
    cells: tuple[Cell, ...]

    @property
    def errors(self) -> list[str]:
        return [error for cell in self.cells for error in cell.errors]


@dataclass(frozen=True, slots=True)
class Grid:
    form: BallotForm
    rows: tuple[GridRow, ...]
    serial: Cell
    picks: Cell | None
    legend: tuple[tuple[str, str], ...]  # (key, meaning)
    other: tuple[str, ...] = field(default=())  # problems of no field (the ballot as a whole)

    @property
    def mode(self) -> str:
        return "worst" if self.form.is_worst else self.form.form


def grid(
    form: BallotForm,
    values: Mapping[str, str],
    problems: Mapping[str, Sequence[str]],
    *,
    serial: str = "",
) -> Grid:
    """The grid of ``form`` holding ``values`` (as typed) and ``problems`` (by field)."""

    def cell(name: str, label: str = "") -> Cell:
        return Cell(name, values.get(name, ""), tuple(problems.get(name, ())), label)

    rows = []
    for index, (code, name, detail) in enumerate(form.assessees):
        if form.is_worst:
            cells: tuple[Cell, ...] = ()
        elif form.form == Evaluation.Form.DIMENSIONS:
            cells = tuple(
                cell(paper.key_field(index, d), dimension)
                for d, (dimension, _) in enumerate(form.dimensions)
            )
        else:
            cells = (cell(paper.key_field(index)),)
        rows.append(GridRow(index + 1, code, name, detail, cells))
    fields = {paper.SERIAL_FIELD, paper.PICKS_FIELD} | {c.name for row in rows for c in row.cells}
    other = tuple(m for where, found in problems.items() if where not in fields for m in found)
    if form.form == Evaluation.Form.SCORE and not form.is_worst:
        legend: tuple[tuple[str, str], ...] = (("0–" + f"{form.max:g}", "分数"),)
    elif form.is_worst:
        limit = f"，最多 {form.max_picks} 个" if form.max_picks else ""
        legend = (("1 3 …", f"所选对象的编号，用空格分隔{limit}；不选留空"),)
    else:
        legend = tuple((str(i), label) for i, (label, _) in enumerate(form.options, start=1))
        legend += ((paper.SPOILED_KEY, f"{paper.SPOILED}（多选、涂改无法辨认）"),)
    return Grid(
        form=form,
        rows=tuple(rows),
        serial=Cell(paper.SERIAL_FIELD, serial, tuple(problems.get(paper.SERIAL_FIELD, ()))),
        picks=cell(paper.PICKS_FIELD) if form.is_worst else None,
        legend=legend,
        other=other,
    )


def keys_of(form: BallotForm, marks: paper.Marks) -> dict[str, str]:
    """The grid's fields that type ``marks`` (the inverse of ``paper.parse_keys``)."""
    if isinstance(marks, list):
        numbers = {code: i for i, (code, _, _) in enumerate(form.assessees, start=1)}
        return {paper.PICKS_FIELD: " ".join(str(numbers[c]) for c in marks if c in numbers)}
    keys = {label: str(i) for i, (label, _) in enumerate(form.options, start=1)}
    keys[paper.SPOILED] = paper.SPOILED_KEY
    found: dict[str, str] = {}
    for index, (code, _, _) in enumerate(form.assessees):
        value = marks.get(code)
        if value is None:
            continue
        if isinstance(value, Mapping):
            for d, (dimension, _) in enumerate(form.dimensions):
                if dimension in value:
                    found[paper.key_field(index, d)] = keys.get(value[dimension], "")
        elif form.form == Evaluation.Form.SCORE:
            found[paper.key_field(index)] = str(value)
        else:
            found[paper.key_field(index)] = keys.get(str(value), "")
    return found


def typed_text(form: BallotForm, marks: paper.Marks) -> str:
    """The keys of an entry in one line, as the clerk typed them (· for a blank)."""
    keys = keys_of(form, marks)
    if form.is_worst:
        return keys.get(paper.PICKS_FIELD) or "（未选）"
    parts = []
    for index in range(len(form.assessees)):
        if form.form == Evaluation.Form.DIMENSIONS:
            parts.append(
                "".join(
                    keys.get(paper.key_field(index, d), "") or "·"
                    for d in range(len(form.dimensions))
                )
            )
        else:
            parts.append(keys.get(paper.key_field(index), "") or "·")
    return " ".join(parts)


_TRAILING_NUMBER = re.compile(r"(\d+)$")


def next_serial(serial: str | None) -> str:
    """The serial after ``serial``: its trailing number plus one, width kept.

    >>> next_serial("007"), next_serial("A-9"), next_serial("X"), next_serial(None)
    ('008', 'A-10', '', '')
    """
    if not serial:
        return ""
    match = _TRAILING_NUMBER.search(serial)
    if match is None:
        return ""
    digits = match.group(1)
    return serial[: match.start()] + str(int(digits) + 1).zfill(len(digits))


def batch_page(batch: PaperBatch, clerk: Any) -> dict[str, Any]:
    """What the batch page shows a clerk: the round it types, its entries (newest first)
    with void warnings, the counts of both rounds and whether the batch can be committed."""
    form = ballot_form.group_form(batch.group)
    number = paper.clerk_round(batch, clerk)
    entries = list(PaperEntry.objects.filter(batch=batch).order_by("-pk"))
    mine = []
    for entry in entries:
        if entry.round != number or (batch.double_entry and entry.clerk_id != clerk.pk):
            continue
        result = paper.check(form, entry.marks)
        mine.append(
            {
                "id": entry.pk,
                "serial": entry.serial,
                "typed": typed_text(form, entry.marks),
                "void": None if result.blank else result.void,
                "blank": result.blank,
                "mine": entry.clerk_id == clerk.pk,
            }
        )
    counts = {1: 0, 2: 0}
    for entry in entries:
        counts[entry.round] = counts.get(entry.round, 0) + 1
    return {
        "batch": batch,
        "evaluation": batch.evaluation,
        "form": form,
        "round": number,
        "entries": mine,
        "counts": counts,
        "next_serial": next_serial(mine[0]["serial"] if mine else None),
        "open": batch.state == PaperBatch.State.ENTERING,
        "refusal": paper.refusal(batch.evaluation),
    }
