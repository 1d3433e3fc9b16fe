"""Democratic evaluation (scoring.md §4, §8), vectorised over the marks frame.

One pass of polars expressions per evaluation: value each mark, void ballots by the top-share
rule (and ballots marking someone twice), aggregate per (assessee, group) with trimming, then
a short Python loop per covered assessee assembles the results. Nothing loops per mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from kaohe.engine.model import Evaluation, VetoItem
from kaohe.engine.results import EvaluationResult, GroupResult, WorstEntry, WorstResult
from kaohe.engine.rounding import round2

_KEYS = ["assessee", "group"]


def _top_labels(evaluation: Evaluation) -> list[str]:
    if not evaluation.options:
        return []
    top = max(evaluation.options.values())
    return [label for label, value in evaluation.options.items() if value == top]


def _dimension_column(index: int) -> str:
    return f"_d{index}"


def _value_marks(evaluation: Evaluation, df: pl.DataFrame) -> pl.DataFrame:
    """Add `value` (0–100, null for a void mark), `top` and `sat` (null for the score form)."""
    option = pl.col("option")
    labels = list(evaluation.options)
    values = [float(evaluation.options[label]) for label in labels]
    tops = _top_labels(evaluation)
    satisfied = list(evaluation.satisfied)
    if evaluation.form == "grade":
        return df.with_columns(
            value=option.replace_strict(labels, values, default=None, return_dtype=pl.Float64),
            top=option.is_in(tops).fill_null(False),
            sat=option.is_in(satisfied).fill_null(False),
        )
    if evaluation.form == "score":
        number = option.str.strip_chars().cast(pl.Float64, strict=False)
        in_range = number.is_finite() & (number >= 0) & (number <= evaluation.max)
        ok = in_range.fill_null(False)
        return df.with_columns(
            value=pl.when(ok).then(number * 100.0 / evaluation.max).otherwise(None),
            top=(ok & (number == evaluation.max)).fill_null(False),
            sat=pl.lit(None, dtype=pl.Boolean),
        )
    # dimensions: "德=优秀;能=称职;…", every dimension exactly once with a known label.
    dimensions = list(evaluation.dimensions)
    extracted = []
    for index, dimension in enumerate(dimensions):
        pattern = rf"(?:^|;)\s*{re.escape(dimension)}\s*=\s*([^;]*?)\s*(?:;|$)"
        extracted.append(option.str.extract(pattern, 1).alias(_dimension_column(index)))
    df = df.with_columns(extracted)
    columns = [pl.col(_dimension_column(i)) for i in range(len(dimensions))]
    items = option.str.split(";").list.len()
    known = pl.all_horizontal([c.is_in(labels).fill_null(False) for c in columns])
    ok = (items == len(dimensions)).fill_null(False) & known
    weight_sum = float(sum(evaluation.dimensions.values()))
    weighted = pl.sum_horizontal(
        [
            c.replace_strict(labels, values, default=None, return_dtype=pl.Float64)
            * float(evaluation.dimensions[d])
            for c, d in zip(columns, dimensions, strict=True)
        ]
    )
    return df.with_columns(
        value=pl.when(ok).then(weighted / weight_sum).otherwise(None),
        top=(ok & pl.all_horizontal([c.is_in(tops).fill_null(False) for c in columns])),
        sat=(ok & pl.all_horizontal([c.is_in(satisfied).fill_null(False) for c in columns])),
    )


def _void_ballots(evaluation: Evaluation, df: pl.DataFrame) -> pl.DataFrame:
    """Add `ok`: the mark is valid (its ballot is not void and the mark itself is not)."""
    ballot = ["group", "ballot"]
    k = pl.len().over(ballot)
    # A ballot marking the same assessee twice is malformed: void as a whole, like a worst
    # ballot naming someone twice (docs/scoring-notes.md).
    void = pl.col("assessee").n_unique().over(ballot) < k
    if evaluation.max_top_share is not None:
        # floor(k * share) on the share as written: exact rational arithmetic (100 × 0.29 → 29).
        num, den = Decimal(repr(float(evaluation.max_top_share))).as_integer_ratio()
        limit = pl.max_horizontal(pl.lit(1, dtype=pl.Int64), (k.cast(pl.Int64) * num) // den)
        tops = pl.col("top").cast(pl.Int64).sum().over(ballot)
        void = void | (tops > limit)
    return df.with_columns(ok=(~void) & pl.col("value").is_not_null())


def _counts(evaluation: Evaluation, valid: pl.DataFrame) -> pl.DataFrame:
    """Count of each option per (assessee, group) over valid marks (each dimension rating)."""
    if evaluation.form == "score":
        return pl.DataFrame(
            schema={"assessee": pl.Utf8, "group": pl.Utf8, "label": pl.Utf8, "n": pl.UInt32}
        )
    if evaluation.form == "grade":
        parts = [valid.select("assessee", "group", label=pl.col("option"))]
    else:
        parts = [
            valid.select("assessee", "group", label=pl.col(_dimension_column(i)))
            for i in range(len(evaluation.dimensions))
        ]
    return pl.concat(parts).group_by("assessee", "group", "label").agg(n=pl.len())


def aggregate(
    evaluation: Evaluation, marks: pl.DataFrame, covered: Iterable[str]
) -> dict[str, EvaluationResult]:
    """Results of a standard or integrity evaluation for every covered assessee.

    `marks` holds this evaluation's rows only. `covered` lists the assessees that get an
    entry (scoring.md §8, evaluation coverage), in the order results should follow.
    """
    df = marks.filter(pl.col("assessee").is_not_null())
    df = _void_ballots(evaluation, _value_marks(evaluation, df))
    groups = evaluation.groups
    params = pl.DataFrame(
        {
            "group": [g.code for g in groups],
            "_trim": [g.trim for g in groups],
        },
        schema={"group": pl.Utf8, "_trim": pl.Int64},
    )
    stats = df.group_by(_KEYS).agg(
        valid=pl.col("ok").sum(),
        void=(~pl.col("ok")).sum(),
        top=(pl.col("ok") & pl.col("top")).sum(),
        sat=(pl.col("ok") & pl.col("sat").fill_null(False)).sum(),
    )
    valid = df.filter(pl.col("ok"))
    trimmed = valid.join(params, on="group", how="left").with_columns(
        _n=pl.len().over(_KEYS),
        _r=pl.col("value").rank("ordinal").over(_KEYS),
    )
    t = pl.col("_trim")
    keep = (pl.col("_n") <= 2 * t) | ((pl.col("_r") > t) & (pl.col("_r") <= pl.col("_n") - t))
    scores = trimmed.filter(keep).group_by(_KEYS).agg(score=pl.col("value").mean(), kept=pl.len())
    counts = _counts(evaluation, valid)

    stat_map = {(r[0], r[1]): r[2:] for r in stats.iter_rows()}
    score_map = {(r[0], r[1]): (r[2], r[3]) for r in scores.iter_rows()}
    count_map: dict[tuple[str, str], dict[str, int]] = {}
    for assessee, group, label, n in counts.iter_rows():
        count_map.setdefault((assessee, group), {})[label] = n
    label_order = {label: i for i, label in enumerate(evaluation.options)}

    results: dict[str, EvaluationResult] = {}
    for code in covered:
        group_results = []
        weighted = 0.0
        weights = 0.0
        flags: list[str] = []
        valid_total = void_total = top_total = sat_total = 0
        for group in groups:
            n_valid, n_void, n_top, n_sat = stat_map.get((code, group.code), (0, 0, 0, 0))
            valid_total += n_valid
            void_total += n_void
            top_total += n_top
            sat_total += n_sat
            mean, kept = score_map.get((code, group.code), (None, 0))
            present = n_valid > 0 and n_valid >= group.min_ballots
            if present:
                weighted += group.weight * mean
                weights += group.weight
            else:
                flags.append(f"missing_group:{evaluation.code}:{group.code}")
            raw_counts = count_map.get((code, group.code), {})
            group_results.append(
                GroupResult(
                    code=group.code,
                    name=group.name,
                    weight=group.weight,
                    score=mean if present else None,
                    marks=n_valid,
                    void=n_void,
                    trimmed=n_valid - kept if present else 0,
                    counts={
                        label: raw_counts[label]
                        for label in sorted(raw_counts, key=lambda x: label_order.get(x, 1 << 30))
                    },
                )
            )
        if weights > 0:
            e = weighted / weights
        else:
            e = 0.0
            flags.append(f"no_ballots:{evaluation.code}")
        handling = False
        if evaluation.kind == "integrity" and round2(e) < evaluation.handling_below:
            handling = True
            flags.append(f"integrity_below:{evaluation.handling_below_text}")
        results[code] = EvaluationResult(
            code=evaluation.code,
            kind=evaluation.kind,
            score=e,
            valid=valid_total,
            void=void_total,
            groups=tuple(group_results),
            top_rate=top_total / valid_total if valid_total else None,
            satisfaction_rate=(
                sat_total / valid_total if valid_total and evaluation.form != "score" else None
            ),
            flags=tuple(flags),
            handling=handling,
        )
    return results


def marked(marks: pl.DataFrame) -> set[str]:
    """Assessees marked (or picked) on at least one of these rows."""
    return set(marks.get_column("assessee").drop_nulls().unique().to_list())


def worst(evaluation: Evaluation, marks: pl.DataFrame) -> WorstResult:
    """评选最差 (kind worst): votes over valid ballots; the most-voted at or above threshold."""
    ballot = ["group", "ballot"]
    picks = pl.col("assessee").drop_nulls()
    per_ballot = marks.group_by(ballot).agg(_picks=picks.len(), _unique=picks.n_unique())
    void = pl.col("_unique") < pl.col("_picks")  # someone named twice
    if evaluation.max_picks is not None:
        void = void | (pl.col("_picks") > evaluation.max_picks)
    per_ballot = per_ballot.with_columns(_void=void)
    valid_ballots = per_ballot.filter(~pl.col("_void")).height
    void_ballots = per_ballot.height - valid_ballots
    votes_frame = (
        marks.join(per_ballot.filter(~pl.col("_void")).select(ballot), on=ballot, how="semi")
        .filter(pl.col("assessee").is_not_null())
        .group_by("assessee")
        .agg(votes=pl.len())
    )
    votes = {a: int(v) for a, v in votes_frame.iter_rows()}
    named: list[WorstEntry] = []
    top = max(votes.values(), default=0)
    if top > 0 and valid_ballots > 0:
        share = top / valid_ballots
        if share >= evaluation.threshold:
            named = [WorstEntry(a, v, share) for a, v in sorted(votes.items()) if v == top]
    # With no `veto` field the effect is no_top, item the evaluation code (scoring.md §8).
    veto = evaluation.veto or VetoItem(evaluation.code, "no_top")
    return WorstResult(
        code=evaluation.code,
        valid_ballots=valid_ballots,
        void_ballots=void_ballots,
        votes=votes,
        named=tuple(named),
        veto=veto,
    )
