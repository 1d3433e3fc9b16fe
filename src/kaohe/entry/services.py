"""Writes of data entry (数据录入): values of one indicator, an uploaded 指标值 sheet, events.

Every service is keyword-only, atomic and audited, and all-or-nothing: the rows are checked
first by the builder's own rules (``kaohe.workbook.build_values.leaf_value``,
``build_values``, ``build_events``), and a single problem raises ``InputError`` before
anything is written. Values and events are stored exactly as ``plan_load`` stores a
document's (``kaohe.plans.models.Value`` / ``Event``), so ``kaohe export`` and a
recomputation give what a YAML file with those values gives.

A change makes the plan's stored results stale: they are deleted (which also withdraws their
publication), so nobody sees figures that no longer match the data until the office
computes again.

Who may call a service is decided by the views through ``kaohe.accounts.policy``; the
services still confine an assessor body (``actor.role == assessor``) to its own indicators
and their categories, so an upload cannot reach further than the grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.policy import role_of
from kaohe.audit.services import audit_record
from kaohe.engine.model import NA, Assessee
from kaohe.engine.model import Event as EventData
from kaohe.engine.model import Plan as PlanData
from kaohe.engine.model import Value as ValueData
from kaohe.engine.model import VetoItem as VetoData
from kaohe.entry.models import EventRecord, ValueStamp
from kaohe.errors import InputError, Problem
from kaohe.errors import Path as DocPath
from kaohe.plans.models import Event, Indicator, Plan, PlanAssessee, Value, VetoItem
from kaohe.plans.selectors import indicator_data
from kaohe.results.models import (
    AssesseeResult,
    CategoryResult,
    Computation,
    IndicatorDiagnostic,
    WorstResult,
)
from kaohe.web.evidence import (
    Upload,
    evidence_discard,
    evidence_fields,
    evidence_problem,
    evidence_store,
)
from kaohe.workbook.build_common import Problems, number_text
from kaohe.workbook.build_data import build_events, build_values
from kaohe.workbook.build_values import TABLE_ROW, leaf_value
from kaohe.workbook.read import read_raw

# Evidence attachments (佐证材料) go to MEDIA_ROOT/evidence/ (kaohe.web.evidence).
EVIDENCE_DIR = "evidence"


class Account(Protocol):
    """The account that enters data (``kaohe.accounts.models.User``)."""

    username: str
    role: str
    assessor: str | None
    is_authenticated: bool
    is_active: bool


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What a save changed: values written (new or changed) and values cleared."""

    written: int
    cleared: int

    @property
    def changed(self) -> int:
        return self.written + self.cleared


# ---------------------------------------------------------------------------------------------
# Scope: which leaves and assessees an account may enter


def leaves_in_scope(plan: Plan, indicator: str, actor: Account) -> list[Indicator]:
    """The leaf rows of ``indicator`` (one per category that has it) the actor may enter.

    The office: every category's; an assessor body: the categories where it is the leaf's
    assessor; anyone else: none.
    """
    rows = Indicator.objects.filter(plan=plan, code=indicator, method__isnull=False).select_related(
        "section"
    )
    role = role_of(actor)
    if role == Role.ASSESSOR:
        rows = rows.filter(assessor=actor.assessor)
    elif role != Role.OFFICE:
        return []
    return list(rows.order_by("section__category__order"))


# ---------------------------------------------------------------------------------------------
# Values


@transaction.atomic
def values_save(
    *, plan_code: str, indicator: str, rows: Mapping[str, Any], actor: Account
) -> SaveResult:
    """Save the grid of one indicator: ``rows`` maps assessee code → the text entered.

    A blank entry clears the value (missing); N/A and 不涉及 are kept as N/A; a grade
    indicator takes one of its labels. Each row is checked by the builder's value rule; any
    problem raises ``InputError`` (``where`` = the assessee code) and nothing is saved.
    Raises ``Plan.DoesNotExist`` for an unknown plan.
    """
    plan = Plan.objects.get(code=plan_code)
    leaves = {row.section.category_id: row for row in leaves_in_scope(plan, indicator, actor)}
    assessees = dict(
        PlanAssessee.objects.filter(plan=plan, code__in=list(rows)).values_list(
            "code", "category_id"
        )
    )
    problems: list[Problem] = []
    parsed: dict[str, ValueData | None] = {}
    for code, text in rows.items():
        leaf = leaves.get(assessees.get(code, -1))
        if leaf is None:
            problems.append(
                Problem(
                    code,
                    _("考核对象 %(assessee)s 不在指标 %(indicator)s 的填报范围内")
                    % {"assessee": code, "indicator": indicator},
                )
            )
            continue
        if text is None or (isinstance(text, str) and not text.strip()):
            parsed[code] = None  # missing, as a blank cell is in a document
            continue
        found = Problems(lambda _path, code=code: code)
        value = leaf_value(text, indicator_data(leaf), (), found)
        problems.extend(found.items)
        parsed[code] = value
    if not leaves and not problems:
        problems.append(
            Problem(
                indicator,
                _("指标 %(indicator)s 不是可填报的末级指标") % {"indicator": indicator},
            )
        )
    if problems:
        raise InputError(problems)
    result, keys = _values_write(plan, {(code, indicator): value for code, value in parsed.items()})
    if result.changed:
        _stamp(plan, keys, actor)
        results_mark_stale(plan=plan)
    audit_record(
        actor=actor.username,
        action="values_save",
        plan=plan.code,
        detail={"indicator": indicator, "written": result.written, "cleared": result.cleared},
    )
    return result


@transaction.atomic
def values_import(*, plan_code: str, path: str | Path, actor: Account) -> SaveResult:
    """Import the 指标值 sheet of a workbook (or a values.csv) for the actor's indicators.

    Read by ``kaohe.workbook.read.read_raw`` and checked by the builder's ``build_values``, so
    every problem names the file, sheet, row and column exactly as ``kaohe load`` does. A row
    for an indicator (or category) the actor may not enter is refused at its place too. Any
    problem raises ``InputError`` and nothing is saved. Rows with a blank value are left
    alone (a file lists what it knows).
    """
    from kaohe.plans.selectors import plan_document

    plan = Plan.objects.get(code=plan_code)
    raw, locate = read_raw([path])
    p = Problems(locate)
    extra = sorted(
        [key for key in raw if key != "data"]
        + [f"data.{key}" for key in raw.get("data", {}) if key not in ("values", "value_rows")]
    )
    if extra:
        message = _("只能上传「指标值」工作表或 values.csv；文件中还有：%(extra)s") % {
            "extra": "、".join(extra)
        }
        raise InputError([Problem(str(path), message)])
    data = raw.get("data", {})
    document = plan_document(plan_code)
    by_code = {assessee.code: assessee for assessee in document.assessees}
    values = build_values(data.get("values"), p, by_code, document.plan, data.get("value_rows"))
    _check_import_scope(plan, data, by_code, actor, p)
    if p.items:
        raise InputError(p.items)
    result, keys = _values_write(plan, values, clear=False)
    if result.changed:
        _stamp(plan, keys, actor)
        results_mark_stale(plan=plan)
    audit_record(
        actor=actor.username,
        action="values_import",
        plan=plan.code,
        detail={"file": Path(path).name, "written": result.written},
    )
    return result


def _check_import_scope(
    plan: Plan,
    data: Mapping[str, Any],
    assessees: Mapping[str, Assessee],
    actor: Account,
    p: Problems,
) -> None:
    """Refuse, at its place, every row naming a leaf the actor may not enter."""
    if role_of(actor) == Role.OFFICE:
        return
    allowed = {
        (category, code)
        for category, code in Indicator.objects.filter(
            plan=plan, assessor=actor.assessor, method__isnull=False
        ).values_list("section__category__code", "code")
    }
    frame = data.get("value_rows")
    table: dict[int, tuple[Any, Any]] = {}
    if frame is not None:
        columns = frame.select("assessee", "indicator", "_row")
        table = {row: (assessee, indicator) for assessee, indicator, row in columns.iter_rows()}
    for index, item in enumerate(data.get("values") or []):
        if item is TABLE_ROW:
            assessee, indicator = table.get(index, (None, None))
        elif isinstance(item, Mapping):
            assessee, indicator = item.get("assessee"), item.get("indicator")
        else:
            continue
        # Codes are read exactly as the builder reads them (105.0 is the code "105"), so a
        # row cannot slip past this check yet be written by the builder.
        known = assessees.get(_code_text(assessee) or "")
        code = _code_text(indicator)
        if known is None or code is None:
            continue  # not a code the builder accepts: it has reported the row
        if (known.category, code) not in allowed:
            where: DocPath = ("data", "values", index, "indicator")
            p.add(
                where,
                _("指标 %(indicator)s（类别 %(category)s）不是%(assessor)s负责填报的指标")
                % {"indicator": code, "category": known.category, "assessor": actor.assessor},
            )


def _code_text(value: Any) -> str | None:
    """A cell as the builder reads a code: text stripped, a number as written (100 not 100.0).

    >>> _code_text(" XZ01 "), _code_text(105.0), _code_text(105), _code_text(True), _code_text(None)
    ('XZ01', '105', '105', None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return number_text(value)
    return str(value).strip() or None


def _values_write(
    plan: Plan, values: Mapping[tuple[str, str], ValueData | None], *, clear: bool = True
) -> tuple[SaveResult, list[tuple[str, str]]]:
    """Write values (None = clear) onto the stored rows: a changed value keeps its place in
    the document's order, a new one goes last, as a row appended to the file would.
    Also returns the keys that changed."""
    indicators = {indicator for _, indicator in values}
    existing = {
        (row.assessee, row.indicator): row
        for row in Value.objects.filter(plan=plan, indicator__in=indicators)
    }
    changed: list[Value] = []
    created: list[Value] = []
    cleared: list[int] = []
    keys: list[tuple[str, str]] = []
    for key, value in values.items():
        row = existing.get(key)
        if value is None:
            if row is not None and clear:
                cleared.append(row.id)
                keys.append(key)
            continue
        kind, number, text = _columns(value)
        if row is None:
            keys.append(key)
            created.append(
                Value(
                    plan=plan,
                    order=0,
                    assessee=key[0],
                    indicator=key[1],
                    kind=kind,
                    number=number,
                    text=text,
                )
            )
        elif (row.kind, row.number, row.text) != (kind, number, text):
            row.kind, row.number, row.text = kind, number, text
            changed.append(row)
            keys.append(key)
    if created:
        last = Value.objects.filter(plan=plan).aggregate(last=Max("order"))["last"]
        start = -1 if last is None else last
        for offset, row in enumerate(created, start=1):
            row.order = start + offset
        Value.objects.bulk_create(created)
    if changed:
        Value.objects.bulk_update(changed, ["kind", "number", "text"])
    if cleared:
        Value.objects.filter(id__in=cleared).delete()
    return SaveResult(written=len(created) + len(changed), cleared=len(cleared)), keys


def _columns(value: ValueData) -> tuple[str, float | None, str | None]:
    """The stored form of a value, exactly as ``plan_load`` writes it."""
    if value is NA:
        return Value.Kind.NA.value, None, None
    if isinstance(value, str):
        return Value.Kind.TEXT.value, None, value
    return Value.Kind.NUMBER.value, float(value), None  # type: ignore[arg-type]


def _stamp(plan: Plan, keys: list[tuple[str, str]], actor: Account) -> None:
    now = timezone.now()
    ValueStamp.objects.bulk_create(
        [
            ValueStamp(
                plan=plan,
                assessee=assessee,
                indicator=indicator,
                actor=actor.username,
                assessor=actor.assessor or "",
                updated_at=now,
            )
            for assessee, indicator in keys
        ],
        update_conflicts=True,
        unique_fields=["plan", "indicator", "assessee"],
        update_fields=["actor", "assessor", "updated_at"],
    )


# ---------------------------------------------------------------------------------------------
# Events


@transaction.atomic
def event_add(
    *,
    plan_code: str,
    assessee: str,
    type: str,  # the document's own key (data.events[].type)
    points: Any = None,
    item: str | None = None,
    reason: str,
    evidence: Upload | None,
    actor: Account,
) -> Event:
    """Record 加分 (bonus), 扣分 (deduction), 一票否决 (veto) or 降档 (downgrade).

    The event is checked by the builder's ``build_events`` (known assessee, type, points,
    the veto item from the plan's vetoes); a reason is required here, and the evidence file
    must be a pdf/jpg/png/docx/xlsx of at most 10 MB. Problems raise ``InputError`` (``where``
    = the form field) and nothing is saved. The evidence is stored under ``MEDIA_ROOT`` with a
    random name.
    """
    plan = Plan.objects.get(code=plan_code)
    raw: dict[str, Any] = {"assessee": assessee, "type": type, "reason": reason}
    if type in ("bonus", "deduction"):
        raw["points"] = points
    if type == "veto":
        raw["item"] = item or None
    p = Problems(_field_of)
    vetoes = tuple(
        VetoData(item=row.item, effect=row.effect)  # type: ignore[arg-type]
        for row in VetoItem.objects.filter(plan=plan).order_by("order")
    )
    known = set(PlanAssessee.objects.filter(plan=plan).values_list("code", flat=True))
    data = PlanData(code=plan.code, name=plan.name, year=plan.year, categories=(), vetoes=vetoes)
    built = build_events([raw], p, known, data)
    if not (reason or "").strip():
        p.add(("data", "events", 0, "reason"), _("请填写事由"))
    problem = evidence_problem(evidence) if evidence is not None else None
    if problem is not None:
        p.add(("data", "events", 0, "evidence"), problem)
    if p.items:
        raise InputError(p.items)
    (event,) = built
    stored = evidence_store(evidence, EVIDENCE_DIR) if evidence is not None else ""
    try:
        row = _event_create(plan, event, actor, evidence, stored)
        results_mark_stale(plan=plan)
        audit_record(
            actor=actor.username,
            action="event_add",
            plan=plan.code,
            detail={
                "event": row.id,
                "assessee": row.assessee,
                "type": row.type,
                "points": row.points,
                "item": row.item,
                "evidence": Path(evidence.name or "").name if stored and evidence else "",
            },
        )
    except BaseException:
        # The database rolls back; the file written for it must not stay behind.
        evidence_discard(stored)
        raise
    return row


@transaction.atomic
def event_delete(*, plan_code: str, event_id: int, actor: Account) -> None:
    """Delete one event (and its evidence file, once the deletion is committed).

    Raises ``Event.DoesNotExist`` when the plan has no such event.
    """
    event = Event.objects.select_related("plan").get(plan__code=plan_code, id=event_id)
    record = EventRecord.objects.filter(event_id=event.id).first()
    detail = {"event": event.id, "assessee": event.assessee, "type": event.type}
    plan = event.plan
    event.delete()
    if record is not None:
        if record.evidence_path:
            stored = record.evidence_path
            transaction.on_commit(lambda: evidence_discard(stored))
        record.delete()
    results_mark_stale(plan=plan)
    audit_record(actor=actor.username, action="event_delete", plan=plan.code, detail=detail)


def _event_create(
    plan: Plan, event: EventData, actor: Account, evidence: Upload | None, stored: str
) -> Event:
    last = Event.objects.filter(plan=plan).aggregate(last=Max("order"))["last"]
    row = Event.objects.create(
        plan=plan,
        order=0 if last is None else last + 1,
        assessee=event.assessee,
        type=event.type,
        points=event.points,
        item=event.item,
        effect=event.effect,
        reason=event.reason,
    )
    EventRecord.objects.create(
        plan=plan,
        event_id=row.id,
        actor=actor.username,
        assessor=actor.assessor or "",
        created_at=timezone.now(),
        **evidence_fields(evidence, stored),
    )
    return row


def _field_of(path: DocPath) -> str:
    """The form field a builder path of the single event points at."""
    return str(path[3]) if len(path) > 3 else "type"


# ---------------------------------------------------------------------------------------------
# Stale results


def results_mark_stale(*, plan: Plan) -> bool:
    """Delete the plan's stored results (and so their publication); True if there were any.

    Called inside the writing service's transaction: the new data and the removal of the
    figures computed from the old data are committed together.
    """
    deleted, _ = Computation.objects.filter(plan=plan).delete()
    for model in (AssesseeResult, CategoryResult, IndicatorDiagnostic, WorstResult):
        model.objects.filter(plan=plan).delete()
    return bool(deleted)
