"""Bulk storage and retrieval of ballot marks, the data that reaches millions a year.

A ballot holds its marks (``Ballot.assessees`` and ``Ballot.options``, two parallel lists in
their order on the ballot): a province's 5 million marks are 250,000 rows, not 5 million, so
they load without a per-mark row, key and index (docs/database.md).

The lists are JSON text, written and read by polars, so no Python object is made per mark.
PostgreSQL: ``COPY ... FROM STDIN`` / ``COPY ... TO STDOUT`` in CSV. Other databases (SQLite):
``executemany`` in large batches (``kaohe.plans.bulk``).

The grouping of a document's marks into ballot rows needs no database and lives in
``kaohe.evaluation.ballot_rows``.

Marks come back ordered by evaluation (declared order), ballot serial, then their order on the
ballot, so the rebuilt ``Document.marks`` is deterministic whatever the physical row order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl
from django.db import connection

from kaohe.engine.model import MARK_COLUMNS, empty_marks
from kaohe.evaluation.ballot_rows import PreparedMarks, prepare_marks
from kaohe.evaluation.models import Ballot, Evaluation
from kaohe.plans.bulk import bulk_insert, indexes_rebuilt, read_frame, truncate_alone


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _alone(evaluation_ids: Sequence[int]) -> bool:
    """True when no other evaluation exists, so the ballot table holds nothing else.

    Ballots are only written for an existing evaluation and deleted with it
    (``delete_ballots``), so this small-table check stands in for scanning the big one.
    """
    return not Evaluation.objects.exclude(id__in=list(evaluation_ids)).exists()


def delete_ballots(evaluation_ids: Sequence[int]) -> None:
    """Delete the ballots (with their marks) of these evaluations, in one statement.

    On PostgreSQL, when they are the only evaluations, ``TRUNCATE`` (transactional there): it
    leaves no dead rows to vacuum and lets the indexes be built once after the next load.
    """
    if not evaluation_ids:
        return
    if truncate_alone([Ballot], alone=lambda: _alone(evaluation_ids)):
        return
    Ballot.objects.filter(evaluation_id__in=evaluation_ids)._raw_delete(Ballot.objects.db)


def store_marks(
    marks: pl.DataFrame | PreparedMarks,
    *,
    evaluation_ids: Mapping[str, int],
    group_ids: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """Insert the ballots of ``marks`` (the engine's long format, or already
    ``prepare_marks``-ed) with their marks; returns the counts of ballots
    and marks. Ballot keys are random and rows are written in key order (``prepare_marks``).
    """
    if isinstance(marks, pl.DataFrame):
        if marks.height == 0:
            return 0, 0
        marks = prepare_marks(marks, list(evaluation_ids))
    if marks.ballots.height == 0:
        return 0, 0
    # Evaluation place → database id.
    id_of = {place: evaluation_ids[code] for place, code in enumerate(marks.evaluations)}
    groups = pl.DataFrame(
        {
            "evaluation": [evaluation_ids[evaluation] for evaluation, _ in group_ids],
            "group": [group for _, group in group_ids],
            "group_id": list(group_ids.values()),
        },
        schema={"evaluation": pl.Int64, "group": pl.Utf8, "group_id": pl.Int64},
    )
    ballots = (
        marks.ballots.with_columns(
            pl.col("evaluation").replace_strict(id_of, return_dtype=pl.Int64)
        )
        .join(groups, on=["evaluation", "group"], how="left", maintain_order="left")
        .select(
            "id", "evaluation", pl.col("group_id").alias("group"), "serial", "assessees", "options"
        )
    )
    if _is_postgresql() and _alone(list(evaluation_ids.values())):
        # A table holding no other evaluation's rows: building its indexes once after the
        # COPY costs about half of maintaining them row by row (docs/database.md). Same
        # transaction, same constraints.
        with indexes_rebuilt(Ballot):
            bulk_insert(Ballot, ballots)
    else:
        bulk_insert(Ballot, ballots)
    return ballots.height, marks.marks


def load_marks(
    *,
    evaluations: Mapping[int, str],
    groups: Mapping[int, str],
) -> pl.DataFrame:
    """The marks of these evaluations (id → code, in declared order) as ``Document.marks``.

    ``groups`` maps every group id of these evaluations to its code.
    """
    if not evaluations:
        return empty_marks()
    ids = list(evaluations)
    ballots = _read_ballots(ids)
    codes = pl.DataFrame(
        {"evaluation_id": ids, "evaluation": list(evaluations.values()), "_rank": range(len(ids))},
        schema={"evaluation_id": pl.Int64, "evaluation": pl.Utf8, "_rank": pl.Int64},
    )
    # Ballots in output order (a small sort: one row per ballot), then their marks in order.
    ballots = (
        ballots.join(codes, on="evaluation_id", how="left")
        .with_columns(
            pl.col("group_id").replace_strict(dict(groups), return_dtype=pl.Utf8).alias("group")
        )
        .sort("_rank", "ballot")
        .filter(pl.col("assessees").list.len() > 0)  # a ballot without marks counts nowhere
    )
    lengths = ballots.select(
        (pl.col("assessees").list.len() != pl.col("options").list.len()).any()
    ).item()
    if lengths:
        raise ValueError("测评票的考核对象与选项数目不一致")
    return (
        ballots.select("evaluation", "group", "ballot", "assessees", "options")
        .explode("assessees", "options")
        .rename({"assessees": "assessee", "options": "option"})
        .select(MARK_COLUMNS)
    )


def _read_ballots(ids: Sequence[int]) -> pl.DataFrame:
    """The ballots of evaluations ``ids``: evaluation_id, group_id, ballot (serial) and the
    ``assessees`` and ``options`` lists. When these are the only evaluations their rows are
    the whole table, copied as a table (``read_frame(whole_table=True)``)."""
    frame = read_frame(
        Ballot,
        ["evaluation", "group", "serial", "assessees", "options"],
        where=("evaluation", ids),
        whole_table=_alone(ids),
    )
    return frame.select(
        pl.col("evaluation").alias("evaluation_id"),
        pl.col("group").alias("group_id"),
        pl.col("serial").alias("ballot"),
        *(pl.col(name).str.json_decode(pl.List(pl.Utf8)) for name in ("assessees", "options")),
    )
