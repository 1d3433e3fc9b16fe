"""Writes for plans: store a document (``plan_load``) and score what is stored (``plan_compute``).

Both are atomic and keyword-only, and write an audit record in the same transaction.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

import kaohe
from kaohe.audit.services import audit_record
from kaohe.engine.model import NA, Document
from kaohe.engine.model import Indicator as IndicatorData
from kaohe.evaluation.ballot_rows import PreparedMarks, prepare_marks
from kaohe.evaluation.marks import delete_ballots, store_marks
from kaohe.evaluation.models import (
    Ballot,
    Evaluation,
    PaperBatch,
    RaterGroup,
    VotingCode,
)
from kaohe.org.models import Person, Unit
from kaohe.plans.bulk import (
    bulk_insert,
    fast_toast_compression,
    indexes_rebuilt,
    json_text,
    json_texts,
    model_frame,
    truncate_alone,
)
from kaohe.plans.models import (
    Category,
    Event,
    Grade,
    Indicator,
    Plan,
    PlanAssessee,
    PlanMember,
    Section,
    Value,
    VetoItem,
)
from kaohe.results.models import (
    AssesseeResult,
    CategoryResult,
    Computation,
    IndicatorDiagnostic,
    WorstResult,
)

BATCH = 5_000


@transaction.atomic
def plan_load(
    *,
    document: Document,
    actor: str | None = None,
    marks: Future[PreparedMarks] | None = None,
) -> Plan:
    """Store ``document``; a plan with the same code is replaced as a whole (with its results).

    Units and people are shared by every plan and upserted by code. Replacing a plan is
    refused (``EvaluationOpen``, nothing written) while one of its evaluations is live:
    ``refuse_live_evaluations``. ``marks``: the document's marks being grouped into ballot
    rows in another thread (``prepare_marks``; the command line starts it as soon as the marks
    are found valid).
    """
    # The ballots' rows and the values' rows are made from the document in a thread (no
    # database there) while this one writes the plan and waits on the server; leaving the
    # pool waits for the thread, also on failure.
    with ThreadPoolExecutor(max_workers=1) as pool:
        prepared = marks if marks is not None else pool.submit(_marks_prepared, document)
        values = pool.submit(_value_frame, document)
        refuse_live_evaluations(plan_code=document.plan.code)
        setup = _group_setup(document.plan.code)
        units, people = _organization_upsert(document)
        replaced = plan_delete_data(plan_code=document.plan.code)
        plan = _plan_create(document)
        # The values first (their rows are ready soonest), the ballots last: the marks are
        # grouped into ballot rows meanwhile, so the server is kept busy without waiting.
        _values_create(plan, values.result())
        categories = _categories_create(plan, document)
        _members_create(plan, document, units, people)
        _assessees_create(plan, document, units, people, categories)
        evaluation_ids, group_ids = _evaluations_create(plan, document)
        ballots, stored = store_marks(
            prepared.result(),
            evaluation_ids=evaluation_ids,
            group_ids=group_ids,
        )
    _events_create(plan, document)
    _group_setup_restore(plan, setup, {assessee.code for assessee in document.assessees})
    audit_record(
        actor=actor,
        action="plan_load",
        plan=plan.code,
        detail={
            "replaced": replaced,
            "assessees": len(document.assessees),
            "values": len(document.values),
            "events": len(document.events),
            "ballots": ballots,
            "marks": stored,
        },
    )
    return plan


def plan_delete_data(*, plan_code: str) -> bool:
    """Delete a plan and everything stored under it; True if it existed.

    The big tables are deleted by plan or evaluation id with one statement each (no ORM object
    per row), or emptied with ``TRUNCATE`` on PostgreSQL when this is the only plan; the small
    ones go with the plan through ``on_delete=CASCADE``.
    """
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        return False
    evaluation_ids = list(Evaluation.objects.filter(plan=plan).values_list("id", flat=True))
    delete_ballots(evaluation_ids)
    # The results' 20,000 explanations (7 KB each) are deleted by TRUNCATE too: a DELETE of
    # them took 0.16 s.
    big = [Value, Event, AssesseeResult]
    if not truncate_alone(big, alone=lambda: _only_plan(plan.id)):
        for model in big:
            model.objects.filter(plan=plan)._raw_delete(model.objects.db)
    plan.delete()
    return True


def _only_plan(plan_id: int) -> bool:
    """True when no other plan is stored: the plan tables hold this plan's rows alone."""
    return not Plan.objects.exclude(id=plan_id).exists()


def _organization_upsert(document: Document) -> tuple[dict[str, int], dict[str, int]]:
    """Upsert units and people by code: new ones are bulk-inserted, and only rows that differ
    from what is stored are updated (a reload of the same organisation writes nothing)."""
    organization = document.organization
    stored_units = {
        code: (pk, name, category, parent)
        for pk, code, name, category, parent in Unit.objects.values_list(
            "id", "code", "name", "category", "parent_id"
        )
    }
    new_units = [unit for unit in organization.units if unit.code not in stored_units]
    bulk_insert(
        Unit,
        model_frame(
            Unit,
            {
                "code": [unit.code for unit in new_units],
                "name": [unit.name for unit in new_units],
                "category": [unit.category for unit in new_units],
            },
        ),
    )
    Unit.objects.bulk_update(
        [
            Unit(id=stored_units[unit.code][0], name=unit.name, category=unit.category)
            for unit in organization.units
            if unit.code in stored_units
            and stored_units[unit.code][1:3] != (unit.name, unit.category)
        ],
        ["name", "category"],
        batch_size=BATCH,
    )
    # Read again only when units were added (their ids are new): 20,000 rows a read.
    units = (
        dict(Unit.objects.values_list("code", "id"))
        if new_units
        else {code: row[0] for code, row in stored_units.items()}
    )
    parents = {code: row[3] for code, row in stored_units.items()}
    _update_column(
        Unit,
        "parent",
        [
            (units[unit.code], parent)
            for unit in organization.units
            if parents.get(unit.code) != (parent := units.get(unit.parent) if unit.parent else None)
        ],
    )
    people = _people_upsert(document, units)
    return units, people


def _people_upsert(document: Document, units: dict[str, int]) -> dict[str, int]:
    wanted = {
        person.code: (
            person.name,
            units.get(person.unit) if person.unit else None,
            person.position,
            person.role,
            person.category,
        )
        for person in document.organization.people
    }
    if not wanted:
        return {}
    fields = ["name", "unit", "position", "role", "category"]
    stored = {
        code: (pk, rest)
        for pk, code, *rest in Person.objects.filter(code__in=list(wanted)).values_list(
            "id", "code", "name", "unit_id", "position", "role", "category"
        )
    }
    new = [(code, row) for code, row in wanted.items() if code not in stored]
    bulk_insert(
        Person,
        model_frame(
            Person,
            {"code": [code for code, _ in new]}
            | {field: [row[i] for _, row in new] for i, field in enumerate(fields)},
        ),
    )
    Person.objects.bulk_update(
        [
            Person(
                id=stored[code][0],
                name=row[0],
                unit_id=row[1],
                position=row[2],
                role=row[3],
                category=row[4],
            )
            for code, row in wanted.items()
            if code in stored and tuple(stored[code][1]) != row
        ],
        fields,
        batch_size=BATCH,
    )
    if not new:
        return {code: row[0] for code, row in stored.items()}
    return dict(Person.objects.filter(code__in=list(wanted)).values_list("code", "id"))


def _update_column(model: type[Any], field: str, rows: list[tuple[int, int | None]]) -> None:
    """Set ``field`` of each (id, value) row, ``BATCH`` rows per ``UPDATE ... FROM (VALUES)``:
    standard SQL on PostgreSQL and SQLite, where ``bulk_update`` builds a ``CASE`` per row."""
    quote = connection.ops.quote_name
    meta = model._meta
    table, column, key = (
        quote(meta.db_table),
        quote(meta.get_field(field).column),
        quote(meta.pk.column),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(batch))
            cursor.execute(
                # VALUES columns are column1, column2 on both (SQLite takes no column aliases).
                f"UPDATE {table} SET {column} = v.column2"
                f" FROM (VALUES {values}) AS v WHERE {table}.{key} = v.column1",
                [item for row in batch for item in row],
            )


def _plan_create(document: Document) -> Plan:
    data = document.plan
    plan = Plan.objects.create(
        code=data.code,
        name=data.name,
        year=data.year,
        assessees=data.assessees,
        bonus_cap=data.bonus_cap,
        non_discriminating_share=data.non_discriminating_share,
        organization_name=document.organization.name,
    )
    VetoItem.objects.bulk_create(
        VetoItem(plan=plan, order=i, item=veto.item, effect=veto.effect)
        for i, veto in enumerate(data.vetoes)
    )
    return plan


def _categories_create(plan: Plan, document: Document) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    sections: list[tuple[Section, tuple[IndicatorData, ...]]] = []
    grades: list[Grade] = []
    for order, data in enumerate(document.plan.categories):
        category = Category.objects.create(
            plan=plan,
            order=order,
            code=data.code,
            name=data.name,
            full_score=data.full_score,
            tiebreak=list(data.tiebreak) if data.tiebreak is not None else None,
        )
        categories[data.code] = category
        for section_order, section in enumerate(data.sections):
            row = Section(
                plan=plan,
                category=category,
                order=section_order,
                code=section.code,
                name=section.name,
                points=section.points,
                source=section.source,
                evaluation=section.evaluation,
            )
            sections.append((row, section.indicators))
        grades.extend(
            Grade(
                plan=plan,
                category=category,
                order=grade_order,
                name=grade.name,
                quota=grade.quota,
                min_score=grade.min_score,
            )
            for grade_order, grade in enumerate(data.grades)
        )
    Grade.objects.bulk_create(grades, batch_size=BATCH)
    for row, _ in sections:
        row.save()  # a handful per category; ids are needed below on every database
    # Indicators level by level, so each child knows its parent's id.
    level: list[tuple[Section, Indicator | None, int, IndicatorData]] = [
        (row, None, order, indicator)
        for row, indicators in sections
        for order, indicator in enumerate(indicators)
    ]
    while level:
        rows = [
            _indicator_row(plan, section, parent, order, data)
            for section, parent, order, data in level
        ]
        for row in rows:
            row.save()
        level = [
            (section, row, order, child)
            for (section, _, _, data), row in zip(level, rows, strict=True)
            for order, child in enumerate(data.children)
        ]
    return categories


def _indicator_row(
    plan: Plan, section: Section, parent: Indicator | None, order: int, data: IndicatorData
) -> Indicator:
    return Indicator(
        plan=plan,
        section=section,
        parent=parent,
        order=order,
        code=data.code,
        name=data.name,
        points=data.points,
        method=data.method,
        target=data.target,
        cap=data.cap,
        direction=data.direction,
        tiers=[list(tier) for tier in data.tiers],
        floor=data.floor,
        grades=dict(data.grades),
        per=data.per,
        assessor=data.assessor,
    )


def _members_create(
    plan: Plan, document: Document, units: dict[str, int], people: dict[str, int]
) -> None:
    organization = document.organization
    members = [*organization.units, *organization.people]
    n_units = len(organization.units)
    bulk_insert(
        PlanMember,
        model_frame(
            PlanMember,
            {
                "plan": [plan.id] * len(members),
                "order": range(len(members)),
                "unit": [units[u.code] for u in organization.units]
                + [None] * (len(members) - n_units),
                "person": [None] * n_units + [people[p.code] for p in organization.people],
                "code": [m.code for m in members],
                "name": [m.name for m in members],
                "category": [m.category for m in members],
                "parent": [u.parent for u in organization.units]
                + [p.unit for p in organization.people],
                "position": [None] * n_units + [p.position for p in organization.people],
                "role": [None] * n_units + [p.role for p in organization.people],
            },
        ),
    )


def _assessees_create(
    plan: Plan,
    document: Document,
    units: dict[str, int],
    people: dict[str, int],
    categories: dict[str, Category],
) -> None:
    kind_people = document.plan.assessees == "people"
    assessees = document.assessees
    codes = [a.code for a in assessees]
    bulk_insert(
        PlanAssessee,
        model_frame(
            PlanAssessee,
            {
                "plan": [plan.id] * len(codes),
                "order": range(len(codes)),
                "code": codes,
                "unit": [None] * len(codes) if kind_people else [units[c] for c in codes],
                "person": [people[c] for c in codes] if kind_people else [None] * len(codes),
                "category": [categories[a.category].id for a in assessees],
                "name": [a.name for a in assessees],
                "unit_code": [a.unit for a in assessees],
                "position": [a.position for a in assessees],
                "scale": [document.scale.get(c) for c in codes],
                "process": [document.process.get(c) for c in codes],
            },
        ),
    )


def _value_frame(document: Document) -> pl.DataFrame:
    """The document's values as ``Value`` rows, without their plan (added when stored).

    Made from the document alone, no database: ``plan_load`` runs it in a thread while it
    waits on the server (800,000 values: about 2 s of Python).
    """
    kinds: list[str] = []
    numbers: list[float | None] = []
    texts: list[str | None] = []
    # Hoisted: a province has 800,000 values, and an enum member's `.value` is a property.
    na, text, number = Value.Kind.NA.value, Value.Kind.TEXT.value, Value.Kind.NUMBER.value
    for value in document.values.values():
        if value is NA:
            kinds.append(na)
            numbers.append(None)
            texts.append(None)
        elif isinstance(value, str):
            kinds.append(text)
            numbers.append(None)
            texts.append(value)
        else:
            kinds.append(number)
            numbers.append(float(value))
            texts.append(None)
    keys = document.values.keys()
    return model_frame(
        Value,
        {
            "order": range(len(kinds)),
            "assessee": [assessee for assessee, _ in keys],
            "indicator": [indicator for _, indicator in keys],
            "kind": kinds,
            "number": numbers,
            "text": texts,
        },
    )


def _values_create(plan: Plan, values: pl.DataFrame) -> None:
    frame = values.select(pl.lit(plan.id, dtype=pl.Int64).alias("plan"), pl.all())
    if connection.vendor == "postgresql" and _only_plan(plan.id):
        # No other plan's values: the two indexes are built once after the COPY, not
        # maintained row by row (800,000 values: 2.6 s of server time → 1.6 s).
        with indexes_rebuilt(Value):
            first = _reserve_ids(Value, frame.height)
            ids = pl.int_range(first, first + frame.height, dtype=pl.Int64).alias("id")
            bulk_insert(Value, frame.select(ids, pl.all()))
    else:
        bulk_insert(Value, frame)


def _reserve_ids(model: type[Any], count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``model``'s id sequence at once
    (PostgreSQL), for rows copied with their ids: the server then evaluates no sequence
    default per row (800,000 values: about 0.1 s). Call it while this transaction holds the
    table exclusively (``indexes_rebuilt``), so no other insert draws from the sequence
    between the two steps; a rollback leaves a gap, never a clash."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s),"
            " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [table, column, table, column, count],
        )
        last = cursor.fetchone()[0]
    return int(last) - count + 1


def _events_create(plan: Plan, document: Document) -> None:
    events = document.events
    bulk_insert(
        Event,
        model_frame(
            Event,
            {
                "plan": [plan.id] * len(events),
                "order": range(len(events)),
                "assessee": [e.assessee for e in events],
                "type": [e.type for e in events],
                "points": [e.points for e in events],
                "item": [e.item for e in events],
                "effect": [e.effect for e in events],
                "reason": [e.reason for e in events],
            },
        ),
    )


def _marks_prepared(document: Document) -> PreparedMarks | pl.DataFrame:
    """The document's marks grouped into keyed ballots for ``store_marks`` (no database: run
    in a thread by ``plan_load``)."""
    if document.marks.height == 0:
        return document.marks
    return prepare_marks(document.marks, [evaluation.code for evaluation in document.evaluations])


def _evaluations_create(
    plan: Plan, document: Document
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """The document's evaluations and rater groups; their ids by code."""
    evaluation_ids: dict[str, int] = {}
    group_ids: dict[tuple[str, str], int] = {}
    # An evaluation that comes with ballots is closed (they were cast elsewhere); one without
    # is a draft the office can open for online or paper voting (docs/voting.md).
    with_ballots = set(document.marks.get_column("evaluation").unique().to_list())
    for order, data in enumerate(document.evaluations):
        evaluation = Evaluation.objects.create(
            status=Evaluation.Status.CLOSED
            if data.code in with_ballots
            else Evaluation.Status.DRAFT,
            plan=plan,
            order=order,
            code=data.code,
            name=data.name,
            kind=data.kind,
            form=data.form,
            options=dict(data.options),
            satisfied=list(data.satisfied),
            dimensions=dict(data.dimensions),
            max=data.max,
            max_top_share=data.max_top_share,
            max_picks=data.max_picks,
            threshold=data.threshold,
            veto_item=data.veto.item if data.veto else None,
            veto_effect=data.veto.effect if data.veto else None,
            handling_below=data.handling_below,
            handling_below_text=data.handling_below_text,
            pass_share=data.pass_share,
        )
        evaluation_ids[data.code] = evaluation.id
        for group_order, group in enumerate(data.groups):
            row = RaterGroup.objects.create(
                evaluation=evaluation,
                order=group_order,
                code=group.code,
                name=group.name,
                weight=group.weight,
                trim=group.trim,
                min_ballots=group.min_ballots,
            )
            group_ids[(data.code, group.code)] = row.id
    return evaluation_ids, group_ids


class EvaluationOpen(Exception):
    """Refused because an evaluation of the plan is live: ``plan_compute`` while one is open
    (votes are being cast), ``plan_load`` replacing the plan (``refuse_live_evaluations``)."""


def refuse_live_evaluations(*, plan_code: str) -> None:
    """Raise ``EvaluationOpen`` when replacing the stored plan ``plan_code`` would destroy a
    live evaluation (docs/voting-office.md, "Replacing a plan"). The rule:

    - an evaluation that is open (测评中) always refuses;
    - an evaluation that is not counted (a draft or closed) refuses when it holds voting
      material: 测评码 (any state), paper batches, or ballots cast online, entered on paper
      or imported from a survey. A loaded document carries none of these, so they would be
      lost (printed slips dead, ballots gone or no longer traceable to their channel);
    - counted evaluations and evaluations with only a document's own ballots never refuse.

    The plan's evaluation rows are locked first (``FOR UPDATE``, the lock every lifecycle
    service takes), so an evaluation cannot open or take codes between the check and the
    replacement (call it inside the replacing transaction). A plan not stored yet passes.
    """
    plan_id = Plan.objects.filter(code=plan_code).values_list("id", flat=True).first()
    if plan_id is None:
        return
    rows = list(
        Evaluation.objects.select_for_update()
        .filter(plan_id=plan_id)
        .exclude(status=Evaluation.Status.COUNTED)
        .order_by("order")
        .values_list("id", "name", "status")
    )
    still_open = [name for _, name, status in rows if status == Evaluation.Status.OPEN]
    if still_open:
        raise EvaluationOpen(
            f"测评“{'”“'.join(still_open)}”正在进行，不能修改或重新导入方案：请先结束测评并计票"
        )
    holding = _with_voting_material([pk for pk, _, _ in rows])
    uncounted = [name for pk, name, _ in rows if pk in holding]
    if uncounted:
        raise EvaluationOpen(
            f"测评“{'”“'.join(uncounted)}”已发放测评码或收到选票，尚未计票，"
            "不能修改或重新导入方案（测评码和选票会丢失）：请先计票"
        )


GroupSetup = dict[tuple[str, str], tuple[list[str], int | None]]


def _group_setup(plan_code: str) -> GroupSetup:
    """The office's setup of the stored plan's rater groups that no document carries: who a
    group rates (its scope) and 应参评人数, by (evaluation code, group code); defaults left out.
    """
    return {
        (evaluation, group): (list(assessees or []), expected)
        for evaluation, group, assessees, expected in RaterGroup.objects.filter(
            evaluation__plan__code=plan_code
        ).values_list("evaluation__code", "code", "assessees", "expected")
        if assessees or expected is not None
    }


def _group_setup_restore(plan: Plan, setup: GroupSetup, assessees: set[str]) -> None:
    """Give the replacing plan's groups their setup back, where evaluation and group codes
    still match (a scope keeps only assessees the new plan still has)."""
    if not setup:
        return
    for group in RaterGroup.objects.filter(evaluation__plan=plan).select_related("evaluation"):
        kept = setup.get((group.evaluation.code, group.code))
        if kept is None:
            continue
        group.assessees = [code for code in kept[0] if code in assessees]
        group.expected = kept[1]
        group.save(update_fields=["assessees", "expected"])


def _with_voting_material(ids: list[int]) -> set[int]:
    """The evaluations among ``ids`` holding codes, paper batches or collected ballots."""
    found: set[int] = set()
    if not ids:
        return found
    for rows in (
        VotingCode.objects.filter(evaluation_id__in=ids),
        PaperBatch.objects.filter(evaluation_id__in=ids),
        # Ballots kaohe collected itself (online, paper, survey), every channel but a loaded
        # document's own: a replacing document carries none of them. The partial index
        # ``evaluation_ballot_collected`` covers exactly these rows.
        Ballot.objects.filter(evaluation_id__in=ids).exclude(channel=Ballot.Channel.IMPORT),
    ):
        found.update(rows.values_list("evaluation_id", flat=True).distinct())
    return found


@transaction.atomic
def plan_compute(*, plan_code: str, actor: str | None = None) -> Computation:
    """Score the stored document of ``plan_code`` and store its results (replacing old ones).

    Raises ``Plan.DoesNotExist`` for an unknown plan, and ``EvaluationOpen`` while one of its
    evaluations is open: results then would show partial votes (docs/voting-office.md).
    """
    from kaohe.engine import score
    from kaohe.plans.selectors import plan_document

    plan = Plan.objects.get(code=plan_code)
    still_open = list(
        Evaluation.objects.filter(plan=plan, status=Evaluation.Status.OPEN).values_list(
            "name", flat=True
        )
    )
    if still_open:
        raise EvaluationOpen(f"测评“{'”“'.join(still_open)}”正在进行，结束测评后才能计算结果")
    document = plan_document(plan_code)
    results = score(document)
    computation = results_store(plan=plan, results=results)
    audit_record(
        actor=actor,
        action="plan_compute",
        plan=plan.code,
        detail={"assessees": len(document.assessees), "marks": document.marks.height},
    )
    return computation


def results_store(*, plan: Plan, results: Any) -> Computation:
    """Replace the plan's stored results with ``results`` (an engine ``Results``).

    Each dict is serialised once, straight into the rows written by ``bulk_insert``.
    """
    as_dict: dict[str, Any] = results.to_dict()
    fast_toast_compression()
    Computation.objects.filter(plan=plan).delete()  # the collector also withdraws what hangs on it
    AssesseeResult.objects.filter(plan=plan)._raw_delete(AssesseeResult.objects.db)
    CategoryResult.objects.filter(plan=plan)._raw_delete(CategoryResult.objects.db)
    IndicatorDiagnostic.objects.filter(plan=plan)._raw_delete(IndicatorDiagnostic.objects.db)
    WorstResult.objects.filter(plan=plan)._raw_delete(WorstResult.objects.db)

    stored = {"categories", "assessees", "indicators", "worst"}
    layout = {
        "keys": list(as_dict),
        "worst": list(as_dict.get("worst", {})),
        "extra": {key: value for key, value in as_dict.items() if key not in stored},
    }
    json_text(layout)  # fail before writing anything on what JSON cannot hold
    computation = Computation.objects.create(
        plan=plan,
        computed_at=timezone.now(),
        engine_version=getattr(kaohe, "__version__", ""),
        layout=layout,
    )
    categories = as_dict.get("categories", {})
    bulk_insert(
        CategoryResult,
        model_frame(
            CategoryResult,
            {
                "plan": [plan.id] * len(categories),
                "order": range(len(categories)),
                "code": list(categories),
                "n": [data.get("n", 0) for data in categories.values()],
                "data": [json_text(data) for data in categories.values()],
            },
        ),
    )
    assessees: list[dict[str, Any]] = as_dict.get("assessees", [])
    # Explanations are written one by one, in the order of ``assessees`` (``to_dict`` lists
    # ``results.assessees`` in that order): only their text is kept, never 20,000 dicts.
    explained = results.assessees
    bulk_insert(
        AssesseeResult,
        model_frame(
            AssesseeResult,
            {
                "plan": [plan.id] * len(assessees),
                "order": range(len(assessees)),
                "code": [data["code"] for data in assessees],
                "name": [data.get("name", "") for data in assessees],
                "category": [data["category"] for data in assessees],
                "rank": [data["rank"] for data in assessees],
                "total": [data["total"] for data in assessees],
                "grade": [data["grade"] for data in assessees],
                "data": json_texts(assessees),
                "explanation": json_texts(item.explain() for item in explained),
            },
        ),
    )
    indicators: list[dict[str, Any]] = as_dict.get("indicators", [])
    bulk_insert(
        IndicatorDiagnostic,
        model_frame(
            IndicatorDiagnostic,
            {
                "plan": [plan.id] * len(indicators),
                "order": range(len(indicators)),
                "category": [data["category"] for data in indicators],
                "indicator": [data["indicator"] for data in indicators],
                "non_discriminating": [bool(data.get("non_discriminating")) for data in indicators],
                "data": json_texts(indicators),
            },
        ),
    )
    worst = [
        (evaluation, data)
        for evaluation, named in as_dict.get("worst", {}).items()
        for data in named
    ]
    bulk_insert(
        WorstResult,
        model_frame(
            WorstResult,
            {
                "plan": [plan.id] * len(worst),
                "order": range(len(worst)),
                "evaluation": [evaluation for evaluation, _ in worst],
                "assessee": [data["assessee"] for _, data in worst],
                "data": [json_text(data) for _, data in worst],
            },
        ),
    )
    return computation
