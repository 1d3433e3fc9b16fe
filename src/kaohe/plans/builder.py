"""方案设计 (the plan builder): create, copy and edit a plan's structure (docs/plan-builder.md).

A plan's structure is edited as its raw document (the YAML shape of workbook.md): the stored
plan is exported with ``document_to_raw``, one change is applied to ``raw["plan"]`` (and, where
a code is renamed or a node deleted, to the data that names it), and the whole document is
validated again by the builder (``kaohe.workbook.build.build_document``). Only a valid
document is stored, through ``plan_load``, which replaces the plan atomically with its values,
events and ballots (they travel in the same raw document) and drops its stored results, so
nobody sees results that no longer match the plan. An invalid change writes nothing and raises
``BuildFailed`` with every problem of the builder and the document path it was found at, which
the pages show next to the field it concerns.

No rule of a valid plan is written here: points sums, method parameters, grades, quotas and
vetoes are checked by the builder alone. This module only edits the document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import audit_record
from kaohe.engine.model import Document
from kaohe.errors import InputError, Path, yaml_path
from kaohe.org.models import Person, Unit
from kaohe.plans.models import Plan
from kaohe.plans.selectors import plan_document
from kaohe.plans.services import plan_load, refuse_live_evaluations
from kaohe.workbook.build import build_document
from kaohe.workbook.build_common import Problems, parse_number
from kaohe.workbook.build_plan import build_plan
from kaohe.workbook.export import document_to_raw

T = TypeVar("T")
Ref = tuple[int, ...]  # (category,), (category, section), (category, section, indicator, …)

# The keys of an indicator that belong to its scoring method (workbook.md, scoring.md §2).
# Changing the method replaces all of them, so no parameter of the old method lingers.
METHOD_KEYS = ("method", "target", "cap", "direction", "tiers", "floor", "grades", "per")
# The keys of a section that say where its points come from (exactly one of them is used).
SOURCE_KEYS = ("indicators", "source", "evaluation")


# ---------------------------------------------------------------------------------------------
# Problems with their document paths


@dataclass(frozen=True, slots=True)
class PathProblem:
    """A builder problem: its document path, the readable place, and the message."""

    path: Path
    where: str
    message: str


class BuildFailed(Exception):
    """The change was refused; nothing was written. ``problems`` are the builder's."""

    def __init__(self, problems: Sequence[PathProblem]) -> None:
        self.problems: list[PathProblem] = list(problems)
        super().__init__("\n".join(f"{p.where}: {p.message}" for p in self.problems))


class NodeNotFound(LookupError):
    """A node reference that names no category, section or indicator of the plan."""


class _Recorder:
    """A ``Locate`` for the builder that remembers which path each place it printed came
    from, so a problem's ``where`` leads back to the field it concerns."""

    def __init__(self) -> None:
        self.paths: dict[str, Path] = {}

    def __call__(self, path: Path) -> str:
        where = yaml_path(path)
        self.paths.setdefault(where, tuple(path))
        return where

    def problems(self, error: InputError) -> list[PathProblem]:
        return [
            PathProblem(self.paths.get(p.where, ()), p.where, p.message) for p in error.problems
        ]


def check_document(raw: Mapping[str, Any]) -> Document:
    """Build ``raw`` with the builder; ``BuildFailed`` lists every problem with its path."""
    recorder = _Recorder()
    try:
        return build_document(raw, locate=recorder)
    except InputError as error:
        raise BuildFailed(recorder.problems(error)) from None


def check_plan(plan_raw: Any) -> list[PathProblem]:
    """The builder's problems of ``raw["plan"]`` alone (fast: for the live points check)."""
    recorder = _Recorder()
    problems = Problems(recorder)
    build_plan(plan_raw, problems)
    return [
        PathProblem(recorder.paths.get(p.where, ()), p.where, p.message) for p in problems.items
    ]


# ---------------------------------------------------------------------------------------------
# Node references: a node of the plan tree by its position


def parse_ref(text: str) -> Ref:
    """``"0.1.2"`` → ``(0, 1, 2)``; ``""`` is the plan itself (the parent of categories).

    >>> parse_ref("0.1.2"), parse_ref("")
    ((0, 1, 2), ())
    """
    if text == "":
        return ()
    parts = text.split(".")
    if not all(part.isdigit() for part in parts):
        raise NodeNotFound(text)
    return tuple(int(part) for part in parts)


def ref_text(ref: Ref) -> str:
    """The text of a reference, as URLs and form fields carry it.

    >>> ref_text((0, 1, 2))
    '0.1.2'
    """
    return ".".join(str(i) for i in ref)


def node_kind(ref: Ref) -> str:
    """``category``, ``section`` or ``indicator`` (``plan`` for the empty reference)."""
    return ("plan", "category", "section")[len(ref)] if len(ref) < 3 else "indicator"


def children_key(ref: Ref) -> str:
    """The key of the list that holds the children of the node ``ref``."""
    return ("categories", "sections")[len(ref)] if len(ref) < 2 else "indicators"


def node_path(ref: Ref) -> Path:
    """The document path of a node.

    >>> node_path((0, 1, 2, 0))
    ('plan', 'categories', 0, 'sections', 1, 'indicators', 2, 'indicators', 0)
    """
    path: Path = ("plan",)
    for depth, index in enumerate(ref):
        path = (*path, children_key(ref[:depth]), index)
    return path


def node_at(plan_raw: Mapping[str, Any], ref: Ref) -> dict[str, Any]:
    """The raw node ``ref`` of ``raw["plan"]`` (``NodeNotFound`` if there is none)."""
    node: Any = plan_raw
    for depth, index in enumerate(ref):
        items = node.get(children_key(ref[:depth])) if isinstance(node, Mapping) else None
        if not isinstance(items, list) or not 0 <= index < len(items):
            raise NodeNotFound(ref_text(ref))
        node = items[index]
    if not isinstance(node, dict):
        raise NodeNotFound(ref_text(ref))
    return node


def _siblings(plan_raw: Mapping[str, Any], ref: Ref) -> list[Any]:
    node_at(plan_raw, ref)
    return node_at(plan_raw, ref[:-1])[children_key(ref[:-1])]  # type: ignore[no-any-return]


def walk(plan_raw: Mapping[str, Any]) -> Iterator[tuple[Ref, dict[str, Any]]]:
    """Every node of the plan tree, depth first in declared order, with its reference."""

    def down(node: Mapping[str, Any], ref: Ref) -> Iterator[tuple[Ref, dict[str, Any]]]:
        items = node.get(children_key(ref))
        if not isinstance(items, list):
            return
        for index, child in enumerate(items):
            if isinstance(child, dict):
                yield (*ref, index), child
                yield from down(child, (*ref, index))

    yield from down(plan_raw, ())


# ---------------------------------------------------------------------------------------------
# Edits of a raw document (pure: they change ``raw`` in place and touch no database)


def set_points(raw: dict[str, Any], points: Mapping[Ref, Any]) -> None:
    """Set many nodes' points at once (a category's ``full_score``), as written."""
    for ref, value in points.items():
        node = node_at(raw["plan"], ref)
        node["full_score" if len(ref) == 1 else "points"] = value


def add_node(raw: dict[str, Any], parent: Ref, fields: Mapping[str, Any]) -> Ref:
    """Append a node under ``parent`` (``()``: a category; a category: a section; a section or
    an indicator: an indicator). An indicator that gets its first child becomes a parent and
    so loses its scoring method."""
    owner = raw["plan"] if parent == () else node_at(raw["plan"], parent)
    if len(parent) >= 3 and "indicators" not in owner:
        for key in METHOD_KEYS:
            owner.pop(key, None)
    if len(parent) == 2 and not isinstance(owner.get("indicators"), list):
        raise NodeNotFound(ref_text(parent))  # a process or evaluation section has no children
    items = owner.setdefault(children_key(parent), [])
    items.append(_clean(fields))
    return (*parent, len(items) - 1)


def update_node(raw: dict[str, Any], ref: Ref, fields: Mapping[str, Any]) -> None:
    """Replace the fields a form edits; ``None`` removes a key. A renamed code is renamed in
    the data that names it (values, assessees' categories, tiebreak)."""
    node = node_at(raw["plan"], ref)
    old_code = node.get("code")
    kind = node_kind(ref)
    if kind == "indicator" and "method" in fields:
        for key in METHOD_KEYS:
            node.pop(key, None)
    if kind == "section" and any(key in fields for key in SOURCE_KEYS):
        indicators = node.get("indicators")
        for key in SOURCE_KEYS:
            node.pop(key, None)
        if "indicators" in fields and fields["indicators"] is True:
            # Keep the indicators a section already has; a new one starts with none.
            fields = {**fields, "indicators": indicators if isinstance(indicators, list) else []}
    for key, value in fields.items():
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value
    new_code = node.get("code")
    if old_code is not None and new_code is not None and new_code != old_code:
        _rename(raw, ref, str(old_code), str(new_code))


def delete_node(raw: dict[str, Any], ref: Ref) -> int:
    """Remove a node with its subtree, and the values entered for its indicators (returned:
    how many). A category's assessees are not reassigned: the builder refuses the change
    while units or people still belong to it."""
    node = node_at(raw["plan"], ref)
    removed = 0
    if len(ref) >= 2:
        category = node_at(raw["plan"], ref[:1])
        codes = {str(child.get("code")) for child in indicators_of(node)}
        if len(ref) >= 3:
            codes.add(str(node.get("code")))
        removed = _drop_values(raw, str(category.get("code")), codes)
        if len(ref) == 2:
            tiebreak = category.get("tiebreak")
            if isinstance(tiebreak, list):
                category["tiebreak"] = [c for c in tiebreak if c != node.get("code")]
    _siblings(raw["plan"], ref).pop(ref[-1])
    return removed


def move_node(raw: dict[str, Any], ref: Ref, offset: int) -> Ref:
    """Move a node up (``-1``) or down (``+1``) among its siblings; the new reference."""
    items = _siblings(raw["plan"], ref)
    target = ref[-1] + offset
    if not 0 <= target < len(items):
        return ref
    items[ref[-1]], items[target] = items[target], items[ref[-1]]
    return (*ref[:-1], target)


def set_category_assessor(raw: dict[str, Any], ref: Ref, assessor: str, *, overwrite: bool) -> int:
    """Give every indicator of a category ``assessor`` (only those without one unless
    ``overwrite``): the category's default 考核主体. Returns how many indicators changed."""
    changed = 0
    for node in indicators_of(node_at(raw["plan"], ref)):
        if (overwrite or not node.get("assessor")) and node.get("assessor") != assessor:
            node["assessor"] = assessor
            changed += 1
    return changed


def indicators_of(node: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every indicator below a category, section or indicator, depth first."""
    for key in ("sections", "indicators"):
        items = node.get(key)
        if not isinstance(items, list):
            continue
        for child in items:
            if isinstance(child, dict):
                if key == "indicators":
                    yield child
                yield from indicators_of(child)


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def _assessees_in(raw: Mapping[str, Any], category: str) -> set[str]:
    organization = raw.get("organization") or {}
    kind = "people" if (raw.get("plan") or {}).get("assessees") == "people" else "units"
    return {
        str(row.get("code"))
        for row in organization.get(kind) or []
        if isinstance(row, Mapping) and str(row.get("category")) == category
    }


def _drop_values(raw: dict[str, Any], category: str, indicators: set[str]) -> int:
    data = raw.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        return 0
    members = _assessees_in(raw, category)
    kept = [
        row
        for row in data["values"]
        if not (
            isinstance(row, Mapping)
            and str(row.get("indicator")) in indicators
            and str(row.get("assessee")) in members
        )
    ]
    removed = len(data["values"]) - len(kept)
    data["values"] = kept
    return removed


def _rename(raw: dict[str, Any], ref: Ref, old: str, new: str) -> None:
    if len(ref) == 1:
        organization = raw.get("organization") or {}
        kind = "people" if raw["plan"].get("assessees") == "people" else "units"
        for row in organization.get(kind) or []:
            if isinstance(row, dict) and str(row.get("category")) == old:
                row["category"] = new
        return
    category = node_at(raw["plan"], ref[:1])
    if len(ref) == 2:
        tiebreak = category.get("tiebreak")
        if isinstance(tiebreak, list):
            category["tiebreak"] = [new if c == old else c for c in tiebreak]
        return
    members = _assessees_in(raw, str(category.get("code")))
    data = raw.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        for row in data["values"]:
            if (
                isinstance(row, dict)
                and str(row.get("indicator")) == old
                and str(row.get("assessee")) in members
            ):
                row["indicator"] = new


# ---------------------------------------------------------------------------------------------
# The live points check


@dataclass(frozen=True, slots=True)
class PointsGroup:
    """A node whose children's points must add up to its own (a category: its full score)."""

    ref: Ref
    kind: str
    code: str
    name: str
    expected: float | None
    total: float | None  # None: a child's points are not a number yet
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.total is not None and not self.problems


def points_report(
    plan_raw: Mapping[str, Any], problems: Sequence[PathProblem]
) -> list[PointsGroup]:
    """Per category, indicator section and parent indicator: the sum of its children's points
    and the builder's problem about that sum, if any (the builder decides; this only adds)."""
    by_path: dict[Path, list[str]] = {}
    for problem in problems:
        by_path.setdefault(problem.path, []).append(problem.message)
    groups: list[PointsGroup] = []
    for ref, node in [((), plan_raw), *walk(plan_raw)]:
        if ref == ():
            continue
        key = children_key(ref)
        children = node.get(key)
        if not isinstance(children, list) or (len(ref) >= 2 and "indicators" not in node):
            continue
        own = node.get("full_score", 100) if len(ref) == 1 else node.get("points")
        numbers = [
            parse_number(child.get("points")) if isinstance(child, Mapping) else None
            for child in children
        ]
        total = None if any(n is None for n in numbers) else sum(n or 0.0 for n in numbers)
        groups.append(
            PointsGroup(
                ref=ref,
                kind=node_kind(ref),
                code=str(node.get("code") or ""),
                name=str(node.get("name") or ""),
                expected=parse_number(own),
                total=total,
                problems=tuple(by_path.get((*node_path(ref), key), ())),
            )
        )
    return groups


# ---------------------------------------------------------------------------------------------
# Services: every write validates the whole document and stores it with plan_load


def plan_raw(plan_code: str, *, marks: bool = True) -> dict[str, Any]:
    """The stored plan as a raw document (ballots as a frame: exact and fast to rebuild).

    ``marks=False`` leaves the ballot marks out: enough to show and check the structure, never
    to save (``plan_change`` reads the whole plan itself). Raises ``Plan.DoesNotExist``."""
    return document_to_raw(plan_document(plan_code, marks=marks), marks="frame")


def preview(raw: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """``change`` applied to a copy of the plan part of ``raw`` (for live checks; the data is
    left out, so only the plan's own problems are found)."""
    copied = {
        "version": raw.get("version", 1),
        "organization": copy.deepcopy(raw.get("organization")),
        "plan": copy.deepcopy(raw.get("plan")),
        "data": {},
    }
    change(copied)
    return copied


def member_kind(raw: Mapping[str, Any]) -> str:
    """Where a plan's assessees are listed in the organisation: ``units`` or ``people``."""
    return "people" if (raw.get("plan") or {}).get("assessees") == "people" else "units"


def set_members(raw: dict[str, Any], categories: Mapping[str, str | None]) -> int:
    """Put units (or people) into the plan's categories: code → category code, or None for
    "not assessed in this plan". Returns how many changed. Raises ``NodeNotFound`` for a code
    the organisation does not have; whether the result is valid is the builder's to say (a
    category the plan does not declare, data left for someone taken out of the plan …).

    >>> units = [{"code": "XZ01", "name": "城关镇"},
    ...          {"code": "BM01", "name": "县发改局", "category": "d"}]
    >>> raw = {"plan": {"assessees": "units"}, "organization": {"units": units}}
    >>> set_members(raw, {"XZ01": "t", "BM01": None})
    2
    >>> raw["organization"]["units"]
    [{'code': 'XZ01', 'name': '城关镇', 'category': 't'}, {'code': 'BM01', 'name': '县发改局'}]
    """
    rows = {str(row.get("code")): row for row in raw["organization"].get(member_kind(raw)) or []}
    unknown = sorted(set(categories) - set(rows))
    if unknown:
        raise NodeNotFound(_("组织中没有 %(codes)s") % {"codes": ", ".join(unknown)})
    changed = 0
    for code, category in categories.items():
        row = rows[code]
        if (row.get("category") or None) == (category or None):
            continue
        changed += 1
        if category:
            row["category"] = category
        else:
            row.pop("category", None)
    return changed


@transaction.atomic
def plan_change(
    *,
    plan_code: str,
    change: Callable[[dict[str, Any]], T],
    actor: str | None,
    action: str,
    detail: Mapping[str, Any] | None = None,
) -> T:
    """Apply ``change`` to the plan's raw document and store it if the builder accepts it.

    Raises ``Plan.DoesNotExist``, ``NodeNotFound``, ``BuildFailed`` or ``EvaluationOpen``
    while an evaluation of the plan is live (``refuse_live_evaluations``: checked before the
    plan is read, and again by ``plan_load``); nothing is written then. The plan's stored
    results are dropped with the old plan (``plan_load``): they are stale.
    """
    Plan.objects.select_for_update().get(code=plan_code)
    refuse_live_evaluations(plan_code=plan_code)
    raw = plan_raw(plan_code)
    result = change(raw)
    plan = raw.get("plan")
    if isinstance(plan, dict) and plan.get("code") != plan_code:
        raise BuildFailed(
            [
                PathProblem(
                    ("plan", "code"),
                    "plan.code",
                    _("方案代码不能修改（应为 %(code)s）") % {"code": plan_code},
                )
            ]
        )
    document = check_document(raw)
    plan_load(document=document, actor=actor)
    audit_record(
        actor=actor,
        action="plan_edit",
        plan=plan_code,
        detail={"change": action, **(detail or {})},
    )
    return result


def _exists_problem(code: str) -> BuildFailed:
    return BuildFailed(
        [
            PathProblem(
                ("plan", "code"),
                "plan.code",
                _("方案代码 %(code)s 已存在，请换一个代码") % {"code": code},
            )
        ]
    )


def _organization_from_registry(assessees: str) -> dict[str, Any]:
    """The county's units (and people) as a new plan's organisation, none of them assessed
    yet (no category): the office assigns them to the plan's categories."""
    parents = dict(Unit.objects.values_list("id", "code"))
    units = [
        {"code": code, "name": name, **({"parent": parents[parent]} if parent else {})}
        for code, name, parent in Unit.objects.order_by("code").values_list(
            "code", "name", "parent_id"
        )
    ]
    people: list[dict[str, Any]] = []
    if assessees == "people":
        people = [
            {
                "code": code,
                "name": name,
                **({"unit": parents[unit]} if unit else {}),
                **({"position": position} if position else {}),
            }
            for code, name, unit, position in Person.objects.order_by("code").values_list(
                "code", "name", "unit_id", "position"
            )
        ]
    return {"units": units, "people": people}


def starter_document(
    *,
    code: str,
    name: str,
    year: Any,
    assessees: str,
    organization_name: str,
    category_code: str,
    category_name: str,
    organization: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The smallest valid plan: one category with one indicator section of one indicator
    (direct scoring, the whole 100 points) and three grades; the office edits from there."""
    return {
        "version": 1,
        "organization": {"name": organization_name, **(organization or {})},
        "plan": {
            "code": code,
            "name": name,
            "year": year,
            "assessees": assessees,
            "vetoes": [],
            "categories": [
                {
                    "code": category_code,
                    "name": category_name,
                    "full_score": 100,
                    "sections": [
                        {
                            "code": "target",
                            "name": "目标考核",
                            "points": 100,
                            "indicators": [
                                {
                                    "code": "T1",
                                    "name": "重点工作",
                                    "points": 100,
                                    "method": "direct",
                                }
                            ],
                        }
                    ],
                    "grades": [
                        {"name": "优秀", "quota": 20},
                        {"name": "良好", "quota": 40},
                        {"name": "一般"},
                    ],
                }
            ],
        },
        "evaluations": [],
        "data": {},
    }


@transaction.atomic
def plan_create(
    *,
    code: str,
    name: str,
    year: Any,
    assessees: str,
    organization_name: str,
    category_code: str,
    category_name: str,
    actor: str | None,
) -> Plan:
    """A new plan from ``starter_document`` over the county's registered units and people.

    Raises ``BuildFailed`` (with the builder's problems, or the code already in use).
    """
    if Plan.objects.filter(code=code).exists():
        raise _exists_problem(code)
    raw = starter_document(
        code=code,
        name=name,
        year=year,
        assessees=assessees,
        organization_name=organization_name,
        category_code=category_code,
        category_name=category_name,
        organization=_organization_from_registry(assessees),
    )
    plan = plan_load(document=check_document(raw), actor=actor)
    audit_record(actor=actor, action="plan_create", plan=plan.code, detail={"from": None})
    return plan


@transaction.atomic
def plan_copy(*, source_code: str, code: str, year: Any, name: str, actor: str | None) -> Plan:
    """复制上一年度: a new plan with ``source_code``'s organisation, structure and evaluations,
    a new code, year and name, and no data (values, events, ballots, scale, process).

    Raises ``Plan.DoesNotExist`` for an unknown source and ``BuildFailed``.
    """
    if Plan.objects.filter(code=code).exists():
        raise _exists_problem(code)
    raw = plan_raw(source_code)
    raw["plan"].update({"code": code, "year": year, "name": name})
    raw["data"] = {}
    plan = plan_load(document=check_document(raw), actor=actor)
    audit_record(actor=actor, action="plan_create", plan=plan.code, detail={"from": source_code})
    return plan


def next_year_name(name: str, year: int) -> str:
    """The copy's default name: the year in the name moved on by one.

    >>> next_year_name("2025年度乡镇实绩考核", 2025)
    '2026年度乡镇实绩考核'
    """
    return name.replace(str(year), str(year + 1))
