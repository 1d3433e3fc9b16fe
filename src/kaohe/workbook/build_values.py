"""Builder part 2b: leaf values — one value checked, and `data.value_rows` checked vectorised.

A province's values.csv has 800,000 rows; the CSV reader keeps them as a polars frame
(``data.value_rows``: assessee, indicator, value as trimmed Utf8, blank → null, and the
`_row` the reader's locator knows). The common rows (a known assessee, a leaf of its
category, a plain number in range or a known grade label) are accepted with joins and one
expression per check; every other row goes through `leaf_value`, the same function the
YAML rows use, so each problem is reported with the same words at the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import polars as pl

from kaohe.engine.model import NA, Assessee, Indicator, Value
from kaohe.errors import Path, Problem
from kaohe.workbook.build_common import Problems, number_text, parse_number, show
from kaohe.workbook.fmt_cells import number_or_text

ROWS: Path = ("data", "values")  # a table row is located by its place in the list
TABLE: Path = ("data", "value_rows")
KEYS = ["assessee", "indicator"]
NUMERIC_METHODS = ("ratio", "tiered", "direct", "deduct", "rank")
# What fmt_cells.parse_number_text takes for a number, in ASCII digits only (Python's \d
# also matches other scripts' digits: those rows take the row-by-row path).
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_NA_TEXTS = ("N/A", "n/a", "N/a", "n/A", "不涉及")


def is_na(value: Any) -> bool:
    return isinstance(value, str) and (value.strip().upper() == "N/A" or value.strip() == "不涉及")


def leaf_value(value: Any, leaf: Indicator, path: Path, p: Problems) -> Value | None:
    """One recorded value of a leaf: N/A, a grade label or a number; None after a problem."""
    if is_na(value):
        return NA
    if leaf.method == "grade":
        label = (
            number_text(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
        )
        if not isinstance(label, str) or label.strip() not in leaf.grades:
            labels = "/".join(leaf.grades)
            p.add(path, f"指标 {leaf.code} 的等级应为 {labels} 之一，实为 {show(value)}")
            return None
        return label.strip()
    number = parse_number(value)
    if number is None:
        p.add(path, f"指标 {leaf.code} 的值应为数值（或 N/A），实为 {show(value)}")
        return None
    if leaf.method == "direct" and not (0 <= number <= leaf.points):
        p.add(
            path,
            f"指标 {leaf.code} 直接赋分应在 0 到 {number_text(leaf.points)} 之间，"
            f"实为 {number_text(number)}",
        )
        return None
    if leaf.method == "deduct" and number < 0:
        p.add(path, f"指标 {leaf.code} 的扣分次数应不小于 0，实为 {number_text(number)}")
        return None
    return number


def _tables(
    assessees: Mapping[str, Assessee], nodes: Mapping[str, Mapping[str, Indicator]]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Assessee → category; (category, indicator) → leaf?, method, points; grade labels."""
    categories = pl.DataFrame(
        {"assessee": list(assessees), "_category": [a.category for a in assessees.values()]},
        schema={"assessee": pl.Utf8, "_category": pl.Utf8},
    )
    keys: dict[str, list[Any]] = {k: [] for k in ("_category", "indicator", "_leaf", "_method")}
    keys["_points"] = []
    labels: dict[str, list[str]] = {"_category": [], "indicator": [], "value": []}
    for category, table in nodes.items():
        for code, node in table.items():
            keys["_category"].append(category)
            keys["indicator"].append(code)
            keys["_leaf"].append(node.is_leaf)
            keys["_method"].append(node.method)
            keys["_points"].append(float(node.points))
            if node.method == "grade":
                for label in node.grades:
                    labels["_category"].append(category)
                    labels["indicator"].append(code)
                    labels["value"].append(label)
    leaves = pl.DataFrame(
        keys,
        schema={
            "_category": pl.Utf8,
            "indicator": pl.Utf8,
            "_leaf": pl.Boolean,
            "_method": pl.Utf8,
            "_points": pl.Float64,
        },
    )
    grade_labels = pl.DataFrame(labels, schema=dict.fromkeys(labels, pl.Utf8))
    return categories, leaves, grade_labels


class _TableRow:
    """Holds a place in ``data.values`` for a row that is in ``data.value_rows``."""

    _instance: _TableRow | None = None

    def __new__(cls) -> _TableRow:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TABLE_ROW"


TABLE_ROW: Final = _TableRow()


class ValueRows:
    """`data.value_rows` (assessee, indicator, value, `_row`: the row's index in
    ``data.values``), checked vectorised. Problems are reported in row order."""

    def __init__(
        self,
        rows: Any,
        p: Problems,
        assessees: Mapping[str, Assessee],
        nodes: Mapping[str, Mapping[str, Indicator]],
    ) -> None:
        self.p = p
        self.nodes = nodes
        self.assessee_codes = list(assessees)
        self.indicator_codes = list(
            dict.fromkeys(code for table in nodes.values() for code in table)
        )
        self.found: list[tuple[int, int, Problem]] = []  # (row, order within the row, problem)
        self.ok = self._check(rows, assessees)

    def _report(self, frame: pl.DataFrame, order: int, column: str | None, message: str) -> None:
        for record in frame.iter_rows(named=True):
            row = record["_row"]
            here: Path = (*ROWS, row) if column is None else (*ROWS, row, column)
            problem = Problem(self.p.locate(here), message.format(**record))
            self.found.append((row, order, problem))

    def _check(self, rows: Any, assessees: Mapping[str, Assessee]) -> pl.DataFrame:
        """The rows naming a known assessee and a leaf of its category, flagged `_first`."""
        columns = ("assessee", "indicator", "value", "_row")
        if not isinstance(rows, pl.DataFrame) or any(c not in rows.columns for c in columns):
            self.p.add(TABLE, "value_rows 应为表格（assessee, indicator, value, _row）")
            rows = pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
        df = rows.select(
            *(pl.col(c).cast(pl.Utf8) for c in ("assessee", "indicator", "value")),
            pl.col("_row").cast(pl.Int64),
        )
        self._report(
            df.filter(pl.col("assessee").is_null()), 0, "assessee", "缺少 assessee（编码）"
        )
        self._report(
            df.filter(pl.col("indicator").is_null()), 1, "indicator", "缺少 indicator（编码）"
        )
        categories, leaves, self.grade_labels = _tables(assessees, self.nodes)
        df = (
            df.filter(pl.col("assessee").is_not_null() & pl.col("indicator").is_not_null())
            .join(categories, on="assessee", how="left", maintain_order="left")
            .join(leaves, on=["_category", "indicator"], how="left", maintain_order="left")
        )
        self._report(
            df.filter(pl.col("_category").is_null()), 2, "assessee",
            "考核对象 {assessee} 不存在（或不属于本方案的任何类别）",
        )  # fmt: skip
        self._report(
            df.filter(pl.col("_category").is_not_null() & pl.col("_leaf").is_null()), 3,
            "indicator", "类别 {_category} 中没有指标 {indicator}",
        )  # fmt: skip
        self._report(
            df.filter(pl.col("_leaf").not_()), 3,
            "indicator", "指标 {indicator} 有下级指标，值只能填在末级指标上",
        )  # fmt: skip
        return _flag_first(df.filter(pl.col("_leaf")))

    def first_rows(self, items: Sequence[Any]) -> dict[tuple[str, str], int]:
        """Where each key of the list's own rows first appears in the table."""
        keys = {
            key for item in items if item is not TABLE_ROW and (key := _item_key(item)) is not None
        }
        if not keys:
            return {}
        firsts = self.ok.filter(pl.col("_first")).join(_keys_frame(keys), on=KEYS, how="semi")
        return {(a, i): row for a, i, row in firsts.select(*KEYS, "_row").iter_rows()}

    def finish(
        self, values: dict[tuple[str, str], Value], seen: Mapping[tuple[str, str], Path]
    ) -> None:
        """Report duplicates, add the table's values, then every problem in row order."""
        ok = self.ok
        later = ok.filter(~pl.col("_first"))
        if later.height:
            firsts = ok.filter(pl.col("_first")).select(*KEYS, _first_row=pl.col("_row"))
            later = later.join(firsts, on=KEYS, how="left", maintain_order="left")
            for code, indicator, row, first in later.select(
                *KEYS, "_row", "_first_row"
            ).iter_rows():
                self._duplicate(code, indicator, row, (*ROWS, first))
        ok = ok.filter(pl.col("_first"))
        if seen:
            # A key the list has too: the later of the two places is the duplicate.
            both = ok.join(_keys_frame(seen), on=KEYS, how="semi", maintain_order="left")
            dropped: list[int] = []
            for code, indicator, row in both.select(*KEYS, "_row").iter_rows():
                first = seen[(code, indicator)]
                if isinstance(first[2], int) and first[2] < row:
                    self._duplicate(code, indicator, row, first)
                    dropped.append(row)
            if dropped:
                ok = ok.filter(~pl.col("_row").is_in(dropped))
        _accept(ok.filter(pl.col("value").is_not_null()), self, values)
        self.found.sort(key=lambda item: (item[0], item[1]))
        self.p.items.extend(problem for _, _, problem in self.found)

    def _duplicate(self, code: str, indicator: str, row: int, first: Path) -> None:
        message = f"考核对象 {code} 的指标 {indicator} 重复填报（已在 {self.p.locate(first)}）"
        self.found.append((row, 4, Problem(self.p.locate((*ROWS, row)), message)))


def _flag_first(df: pl.DataFrame) -> pl.DataFrame:
    """`df` with `_first`: whether the row is its key's first.

    A file names each key once as a rule: when the keys' 64-bit hashes are all distinct, so
    are the keys, which settles it at a third of the cost of comparing the texts.
    """
    pair = pl.col("assessee").hash(seed=1) ^ pl.col("indicator").hash(seed=0)
    if df.select(pair.n_unique()).item() == df.height:
        return df.with_columns(_first=pl.lit(True))
    return df.with_columns(_first=pl.struct(*KEYS).is_first_distinct())


def _item_key(item: Any) -> tuple[str, str] | None:
    if not isinstance(item, Mapping):
        return None
    parts = []
    for key in KEYS:
        value = item.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = number_text(value)
        if not isinstance(value, str):
            return None
        parts.append(value.strip())
    return parts[0], parts[1]


def _keys_frame(keys: Iterable[tuple[str, str]]) -> pl.DataFrame:
    listed = list(keys)
    return pl.DataFrame(
        {"assessee": [k[0] for k in listed], "indicator": [k[1] for k in listed]},
        schema={"assessee": pl.Utf8, "indicator": pl.Utf8},
    )


def _shared_texts(column: pl.Series, known: list[str]) -> list[str]:
    """``column.to_list()`` made of the `known` strings themselves (every value is one).

    800,000 values name 20,000 assessees: the dict built from them then holds the plan's own
    code objects, whose hashes Python has already computed, instead of a new string per row.

    >>> known = ["U1", "U2"]
    >>> [x is y for x, y in zip(_shared_texts(pl.Series(["U2", "U1"]), known), known[::-1])]
    [True, True]
    """
    positions = column.cast(pl.Enum(known)).to_physical().to_numpy()
    return np.array(known, dtype=object)[positions].tolist()


def _accept(ok: pl.DataFrame, table: ValueRows, values: dict[tuple[str, str], Value]) -> None:
    """Plain numbers in range, known labels and N/A at once; the rest one by one."""
    value = pl.col("value")
    method = pl.col("_method")
    number = pl.col("_cast")
    plain = pl.col("_plain")
    in_range = (
        pl.when(method == "direct")
        .then((number >= 0) & (number <= pl.col("_points")))
        .when(method == "deduct")
        .then(number >= 0)
        .otherwise(True)
    )
    numeric = pl.col("_numeric")
    # Only grade rows can name a label: they alone are matched with the labels.
    labelled = (
        ok.filter(method == "grade")
        .join(table.grade_labels, on=["_category", "indicator", "value"], how="semi")
        .get_column("_row")
    )
    # In steps, so that each expression is computed once.
    classified = (
        ok.with_columns(
            _cast=value.cast(pl.Float64, strict=False),
            _plain=value.str.contains(_PLAIN_NUMBER),
            _label=pl.col("_row").is_in(labelled.implode()),
            _na=value.is_in(_NA_TEXTS),
        )
        .with_columns(
            _numeric=(
                method.is_in(NUMERIC_METHODS) & plain & number.is_finite() & in_range
            ).fill_null(False)
        )
        .select(
            "assessee",
            "indicator",
            "value",
            "_row",
            "_category",
            "_na",
            _number=pl.when(numeric).then(number),
            _other=~numeric & ~(pl.col("_label") & ~plain) & ~pl.col("_na"),
        )
    )
    codes = _shared_texts(classified.get_column("assessee"), table.assessee_codes)
    indicators = _shared_texts(classified.get_column("indicator"), table.indicator_codes)
    parsed: list[Any] = classified.get_column("_number").to_list()
    # Labels and N/A are few next to the numbers: patch them in by position.
    texts = classified.with_row_index("_index").filter(pl.col("_number").is_null())
    indices, labels, na = (texts.get_column(c).to_list() for c in ("_index", "value", "_na"))
    for index, label, exempt in zip(indices, labels, na, strict=True):
        parsed[index] = NA if exempt else label
    rejected: set[int] = set()
    other = classified.with_row_index("_index").filter(pl.col("_other"))
    for index, row, category, indicator, text in other.select(
        "_index", "_row", "_category", "indicator", "value"
    ).iter_rows():
        sub = Problems(table.p.locate)
        leaf = table.nodes[category][indicator]
        result = leaf_value(number_or_text(text), leaf, (*ROWS, row, "value"), sub)
        table.found.extend((row, 5, problem) for problem in sub.items)
        if result is None:
            rejected.add(index)
        else:
            parsed[index] = result
    if rejected:
        keep = [i for i in range(len(parsed)) if i not in rejected]
        codes = [codes[i] for i in keep]
        indicators = [indicators[i] for i in keep]
        parsed = [parsed[i] for i in keep]
    values.update(zip(zip(codes, indicators, strict=True), parsed, strict=True))
