"""Builder part 3: ballots → the long marks frame (one row per mark), checked vectorised.

YAML ballots (a `marks` mapping or a worst ballot's `picks`) become rows in the CSV long
format; `ballot_marks` (a polars frame from CSV/Excel, millions of rows) is checked with
joins, never row by row. What a voter wrote stays as written: an unknown label or an
out-of-range number becomes a void mark in the engine, not an input error (scoring.md §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from kaohe.engine.model import MARK_COLUMNS, MARK_SCHEMA, Evaluation, empty_marks
from kaohe.errors import Path
from kaohe.workbook.build_common import Problems, show
from kaohe.workbook.text_checks import blank_columns, has_blank

# Per check, at most this many rows of a big frame are reported one by one; the rest are
# summed up in one problem, so a wrong 5-million-row file does not print 5 million lines.
MAX_ROW_PROBLEMS = 100
UNPARSEABLE = ""  # a mark text that parses as no option, no number and no dimension


def mark_text(evaluation: Evaluation, mark: Any) -> str | None:
    """The `option` text of one YAML mark.

    >>> from kaohe.engine.model import Evaluation
    >>> e = Evaluation("d", "d", (), form="dimensions", dimensions={"德": 1, "能": 1})
    >>> mark_text(e, {"能": "称职", "德": "优秀"})
    '能=称职;德=优秀'
    >>> mark_text(Evaluation("s", "s", (), form="score"), 88.5)
    '88.5'
    """
    if mark is None:
        return None
    if evaluation.form == "dimensions":
        if not isinstance(mark, Mapping):
            return UNPARSEABLE
        return ";".join(f"{dimension}={_label(label)}" for dimension, label in mark.items())
    if isinstance(mark, bool | Mapping | list | tuple):
        return UNPARSEABLE
    if isinstance(mark, int | float):
        return repr(mark)
    return str(mark)


def _label(label: Any) -> str:
    if label is None or isinstance(label, bool | Mapping | list | tuple):
        return ""
    return str(label)


def yaml_ballots(
    raw: Any, p: Problems, evaluations: Mapping[str, Evaluation], assessees: set[str]
) -> tuple[pl.DataFrame, dict[tuple[str, str], Path]]:
    """Rows of the YAML ballots and where each (evaluation, ballot) was declared."""
    columns: dict[str, list[str | None]] = {name: [] for name in MARK_COLUMNS}
    seen: dict[tuple[str, str], Path] = {}

    def row(
        evaluation: str, group: str, ballot: str, assessee: str | None, option: str | None
    ) -> None:
        for name, value in zip(
            MARK_COLUMNS, (evaluation, group, ballot, assessee, option), strict=True
        ):
            columns[name].append(value)

    for i, item in enumerate(p.items_list(raw, ("data", "ballots"), "ballots ")):
        here: Path = ("data", "ballots", i)
        node = p.mapping(item, here, "选票")
        if node is None:
            continue
        code = p.code(node, here, "evaluation")
        group = p.code(node, here, "group")
        ballot = p.code(node, here, "ballot")
        evaluation = evaluations.get(code) if code is not None else None
        if code is not None and evaluation is None:
            p.add((*here, "evaluation"), f"测评 {code} 不存在")
        if (
            evaluation is not None
            and group is not None
            and group not in {g.code for g in evaluation.groups}
        ):
            p.add((*here, "group"), f"测评 {code} 没有测评主体 {group}")
            group = None
        if evaluation is not None and ballot is not None:
            key = (evaluation.code, ballot)
            if key in seen:
                p.add(
                    (*here, "ballot"),
                    f"测评 {code} 的选票编号 {ballot} 重复（已在 {p.locate(seen[key])}）",
                )
                ballot = None
            else:
                seen[key] = here
        if evaluation is None or group is None or ballot is None:
            continue
        if evaluation.kind == "worst":
            if node.get("marks") is not None:
                p.add((*here, "marks"), f"评选最差测评 {code} 的选票应使用 picks（所选对象列表）")
                continue
            picks = p.items_list(node.get("picks"), (*here, "picks"), "picks ")
            known = True
            for j, pick in enumerate(picks):
                if not isinstance(pick, str) or pick not in assessees:
                    p.add((*here, "picks", j), f"考核对象 {show(pick)} 不存在")
                    known = False
            if not known:
                continue
            if not picks:
                row(evaluation.code, group, ballot, None, None)  # empty ballot: valid, counted
            for pick in picks:
                row(evaluation.code, group, ballot, pick, None)
            continue
        if node.get("picks") is not None:
            p.add(
                (*here, "picks"),
                f"测评 {code} 的选票应使用 marks（对象: 评价），picks 仅用于评选最差",
            )
            continue
        marks = p.mapping(node.get("marks"), (*here, "marks"), "marks ")
        if marks is None:
            continue
        ok = True
        for assessee in marks:
            if str(assessee) not in assessees:
                p.add((*here, "marks", str(assessee)), f"考核对象 {assessee} 不存在")
                ok = False
        if not ok:
            continue
        for assessee, mark in marks.items():
            row(evaluation.code, group, ballot, str(assessee), mark_text(evaluation, mark))
    return pl.DataFrame(columns, schema=MARK_SCHEMA), seen


class _RowProblems:
    def __init__(self, p: Problems) -> None:
        self.p = p

    def report(self, frame: pl.DataFrame, column: str, message: str) -> None:
        """One problem per offending row (up to MAX_ROW_PROBLEMS), then a summary."""
        if frame.height == 0:
            return
        for record in frame.head(MAX_ROW_PROBLEMS).iter_rows(named=True):
            value = record.get(column)
            self.p.add(
                ("data", "ballot_marks", int(record["_row"]), column), message.format(value=value)
            )
        if frame.height > MAX_ROW_PROBLEMS:
            first = int(frame.get_column("_row")[0])
            self.p.add(
                ("data", "ballot_marks", first, column),
                f"另有 {frame.height - MAX_ROW_PROBLEMS} 行同类错误（{message.format(value='…')}）",
            )


def frame_ballots(
    frame: Any,
    p: Problems,
    evaluations: Mapping[str, Evaluation],
    assessees: set[str],
    yaml_seen: Mapping[tuple[str, str], Path],
) -> pl.DataFrame:
    """Check `ballot_marks` (CSV long format with `_row`) and return it in the marks schema."""
    if not isinstance(frame, pl.DataFrame):
        p.add(
            ("data", "ballot_marks"),
            "ballot_marks 应为表格（evaluation, group, ballot, assessee, option）",
        )
        return empty_marks()
    missing = [c for c in (*MARK_COLUMNS, "_row") if c not in frame.columns]
    if missing:
        p.add(("data", "ballot_marks"), f"ballot_marks 缺少列 {', '.join(missing)}")
        return empty_marks()
    df = frame.select(
        *(pl.col(c).cast(pl.Utf8) for c in MARK_COLUMNS), pl.col("_row").cast(pl.Int64)
    )
    # Empty cells are missing values, as in every CSV table of the workbook. The checks
    # below look at the few distinct codes first and filter the millions of rows only to
    # report a problem (a province's ballots.csv is 5 million marks). The (evaluation,
    # group) pairs, nulls kept, give those two columns' distinct values (and the
    # evaluations named).
    combinations = df.group_by("evaluation", "group").agg()
    blank = [c for c in ("evaluation", "group") if has_blank(combinations[c], many=False)]
    blank += blank_columns(df, ("ballot", "assessee"))
    if blank:
        df = df.with_columns(
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c in blank
        )
        combinations = df.group_by("evaluation", "group").agg()
    rows = _RowProblems(p)
    for column, what in (("evaluation", "测评编码"), ("group", "测评主体"), ("ballot", "选票编号")):
        if df.get_column(column).null_count():
            rows.report(df.filter(pl.col(column).is_null()), column, f"缺少{what}")
    kinds = {code: e.kind for code, e in evaluations.items()}
    named = {e for e in combinations.get_column("evaluation").to_list() if e is not None}
    unknown = sorted(named - set(kinds))
    if unknown:
        rows.report(
            df.filter(pl.col("evaluation").is_in(unknown)), "evaluation", "测评 {value} 不存在"
        )
    pairs = {(e.code, g.code) for e in evaluations.values() for g in e.groups}
    used = combinations.drop_nulls()
    stray = [(e, g) for e, g in used.iter_rows() if e in kinds and (e, g) not in pairs]
    if stray:
        bad = pl.DataFrame(
            {"evaluation": [e for e, _ in stray], "group": [g for _, g in stray]},
            schema={"evaluation": pl.Utf8, "group": pl.Utf8},
        )
        rows.report(
            df.join(bad, on=["evaluation", "group"], how="semi", maintain_order="left"),
            "group", "测评主体 {value} 不属于该测评",
        )  # fmt: skip
    # Probing the known codes is cheaper than making millions of marks' codes unique.
    stranger = pl.col("assessee").is_not_null() & ~pl.col("assessee").is_in(list(assessees))
    if df.select(stranger.any()).item():
        rows.report(df.filter(stranger), "assessee", "考核对象 {value} 不存在")
    if df.get_column("assessee").null_count():
        rated = [code for code, kind in kinds.items() if kind != "worst"]
        rows.report(
            df.filter(pl.col("assessee").is_null() & pl.col("evaluation").is_in(rated)),
            "assessee", "缺少考核对象（只有评选最差的空票可以不填）",
        )  # fmt: skip
    # A ballot id names one ballot of one group within its evaluation.
    if unknown or any(df.get_column(c).null_count() for c in ("evaluation", "ballot")):
        ids = df.filter(pl.col("ballot").is_not_null() & pl.col("evaluation").is_in(list(kinds)))
    else:
        ids = df  # every row qualifies: no copy of millions of marks (the command's peak)
    if _split_ballots(ids):
        split = (
            ids.group_by("evaluation", "ballot")
            .agg(_groups=pl.col("group").n_unique(), _row=pl.col("_row").min())
            .filter(pl.col("_groups") > 1)
        )
        rows.report(
            split.sort("_row"),
            "ballot",
            "选票编号 {value} 在同一测评中属于多个测评主体（编号重复）",
        )
    if yaml_seen:
        declared = pl.DataFrame(
            {"evaluation": [k[0] for k in yaml_seen], "ballot": [k[1] for k in yaml_seen]},
            schema={"evaluation": pl.Utf8, "ballot": pl.Utf8},
        )
        clash = ids.join(declared, on=["evaluation", "ballot"], how="semi")
        first = clash.group_by("evaluation", "ballot").agg(_row=pl.col("_row").min()).sort("_row")
        rows.report(first, "ballot", "选票编号 {value} 已在 YAML 选票中使用（编号重复）")
    # Worst ballots name assessees only; any option text is ignored.
    worst = [code for code, kind in kinds.items() if kind == "worst" and code in named]
    if not worst:
        return df.select(MARK_COLUMNS)
    return df.select(
        "evaluation", "group", "ballot", "assessee",
        pl.when(pl.col("evaluation").is_in(worst)).then(None).otherwise(pl.col("option"))
        .alias("option"),
    )  # fmt: skip


def _split_ballots(ids: pl.DataFrame) -> bool:
    """Whether some (evaluation, ballot) may have marks in more than one group.

    Grouped on one integer per mark, a 64-bit hash of the evaluation and ballot texts, with
    the lowest and highest group code per key (a categorical cast of millions of ballot ids,
    or a struct of the texts, cost 300–380 MB that stayed allocated; the group column has a
    few distinct values, so its categorical codes are cheap). Equal texts hash equally and
    the group codes are exact, so a split ballot is always found; a hash collision can only
    claim a split that is not there, and the caller's exact check then reports nothing.
    """
    if ids.height == 0 or _one_run_per_ballot(ids):
        return False
    group = pl.col("group").cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(-1)
    spread = (
        ids.select(pl.struct("evaluation", "ballot").hash(seed=0).alias("pair"), group)
        .group_by("pair")
        .agg(pl.col("group").min().alias("low"), pl.col("group").max().alias("high"))
    )
    return bool(spread.select((pl.col("low") != pl.col("high")).any()).item())


def _one_run_per_ballot(ids: pl.DataFrame) -> bool:
    """Whether every (evaluation, ballot) is one run of consecutive rows in a single group.

    Files list a ballot's marks together, so this settles `_split_ballots` in one pass
    without grouping millions of marks. The runs are told apart by a 64-bit hash of the
    evaluation and ballot texts; equal texts hash equally, so True means every hash, hence
    every ballot, is one run with no change of group. A collision (two ballots, one hash)
    can only turn True into False, which leaves the answer to the grouping.
    """
    pair = pl.col("evaluation").hash(seed=1) ^ pl.col("ballot").hash(seed=0)
    # In one chunk: comparing each row with the one before it across the CSV reader's chunks
    # would realign (copy) both columns twice.
    keys = ids.select(pair.alias("pair"), "group").rechunk()
    same = pl.col("pair") == pl.col("pair").shift(1)
    changed = same & pl.col("group").ne_missing(pl.col("group").shift(1))
    if keys.select(changed.any()).item():
        return False
    starts = keys.filter((~same).fill_null(True)).get_column("pair")
    return starts.n_unique() == starts.len()


def build_marks(
    data: Mapping[str, Any], p: Problems, evaluations: Mapping[str, Evaluation], assessees: set[str]
) -> pl.DataFrame:
    frame, seen = yaml_ballots(data.get("ballots"), p, evaluations, assessees)
    if data.get("ballot_marks") is None:
        return frame
    extra = frame_ballots(data["ballot_marks"], p, evaluations, assessees, seen)
    return pl.concat([frame, extra.cast(MARK_SCHEMA)], how="vertical")
