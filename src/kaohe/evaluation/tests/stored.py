"""The marks as stored, one tuple per mark, for tests that look into the ballot table."""

from __future__ import annotations

from typing import Any

from kaohe.evaluation.models import Ballot

FIELDS = ("evaluation_id", "ballot_id", "order", "assessee", "option")


def stored_marks(*fields: str, **filters: Any) -> list[tuple[Any, ...]]:
    """``fields`` (of ``FIELDS``; all when none) of every mark of the ballots matching
    ``filters``, like ``values_list`` over the former one-row-per-mark table."""
    wanted = fields or FIELDS
    unknown = set(wanted) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a mark field: {sorted(unknown)}")
    rows: list[tuple[Any, ...]] = []
    ballots = Ballot.objects.filter(**filters).values_list(
        "evaluation_id", "id", "assessees", "options"
    )
    for evaluation_id, ballot_id, assessees, options in ballots:
        assert len(assessees) == len(options), "a ballot's two lists differ in length"
        for order, (assessee, option) in enumerate(zip(assessees, options, strict=True)):
            mark = dict(
                zip(FIELDS, (evaluation_id, ballot_id, order, assessee, option), strict=True)
            )
            rows.append(tuple(mark[name] for name in wanted))
    return rows
