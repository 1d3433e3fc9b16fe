"""CSV tables (workbook.md "CSV (large tables)"): values, events and ballots.

The header says which table a file is. Values and events rows are appended to the raw
document's lists; ballot marks go to ``raw["data"]["ballot_marks"]``, a polars frame read
without a Python loop per row (a province's year has millions of marks). Files saved by a
Chinese Excel are GB18030 rather than UTF-8; both are accepted.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import polars as pl

from kaohe.engine.model import MARK_COLUMNS
from kaohe.errors import Problem
from kaohe.workbook.build_values import TABLE_ROW
from kaohe.workbook.fmt_cells import format_scalar, mark_text, number_or_text
from kaohe.workbook.fmt_locate import Origins, RowOrigin
from kaohe.workbook.text_checks import nul_problem, trim_columns

VALUE_COLUMNS = ("assessee", "indicator", "value")
EVENT_COLUMNS = ("assessee", "type", "points", "item", "effect", "reason")
_EVENT_REQUIRED = ("assessee", "type")
TABLES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # table: (allowed columns, required columns)
    "values": (VALUE_COLUMNS, VALUE_COLUMNS),
    "events": (EVENT_COLUMNS, _EVENT_REQUIRED),
    "ballots": (MARK_COLUMNS, MARK_COLUMNS),
}
_ROW = "_row"  # the marks' global row number; never a CSV column (their header is checked)
_EXPECTED = (
    "指标值 assessee,indicator,value；加扣分与否决 assessee,type,points,item,reason；"
    "测评票 evaluation,group,ballot,assessee,option"
)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (Excel's "CSV" on a Chinese Windows)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def table_of(header: Sequence[str]) -> str | None:
    """Which table a header names (by its distinctive column), or None."""
    columns = set(header)
    if "indicator" in columns:
        return "values"
    if "evaluation" in columns or "ballot" in columns:
        return "ballots"
    if "type" in columns:
        return "events"
    return None


def _head(path: Path) -> bytes:
    """The file's first line (its header), without reading a big file whole."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
        while b"\n" not in head:
            more = f.read(1 << 16)
            if not more:
                break
            head += more
    return head.split(b"\n", 1)[0]


def read_csv(
    path: Path,
    doc: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
    early: Future[Any] | None = None,
) -> None:
    """Append one CSV file's rows to `doc` (the merged raw document); `early`: the ballots
    parse `parse_ballots_early` started for this file."""
    name = str(path)
    try:
        first_line = decode(_head(path))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"无法读取 CSV 文件：{error}"))
        return
    first = next(csv.reader(io.StringIO(first_line)), [])
    header = [column.strip() for column in first]
    table = table_of(header)
    if table is None:
        problems.append(
            Problem(f"{name} 第 1 行", f"无法识别的表头「{','.join(header)}」，应为：{_EXPECTED}")
        )
        return
    allowed, required = TABLES[table]
    bad = False
    for column in header:
        if column not in allowed:
            problems.append(
                Problem(
                    f"{name} 第 1 行「{column}」列",
                    f"未知表头「{column}」，应为 {','.join(allowed)}",
                )
            )
            bad = True
    for column in required:
        if column not in header:
            problems.append(
                Problem(f"{name} 第 1 行", f"缺少列「{column}」（{','.join(allowed)}）")
            )
            bad = True
    if len(set(header)) != len(header):
        problems.append(Problem(f"{name} 第 1 行", "表头有重复的列"))
        bad = True
    if bad:
        return
    data = doc.setdefault("data", {})
    if table == "ballots":
        _read_ballots(path, data, origins, problems, early)
        return
    try:
        text = decode(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"无法读取 CSV 文件：{error}"))
        return
    nul = nul_problem(name, text)
    if nul is not None:
        problems.append(nul)
        return
    if not (
        table == "values"
        and _plain(text)
        and _read_value_table(text, name, header, data, origins, problems)
    ):
        _read_rows(text, name, header, table, data, origins, problems)


# Text the columnar values reader handles exactly like the csv module: no lone carriage
# return (a line break for csv) and none of the separators str.strip() removes but polars'
# strip_chars() keeps. Quotes are checked per cell (`_read_value_table`).
_NOT_PLAIN = "\x1c\x1d\x1e\x1f"


def _plain(text: str) -> bool:
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return False
    # One substring search per character: a tenth of the time of a character-class regex.
    return not any(separator in text for separator in _NOT_PLAIN)


def _read_value_table(
    text: str,
    name: str,
    header: list[str],
    data: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
) -> bool:
    """values.csv without a Python object per row: ``data.value_rows``, a frame of Utf8
    assessee, indicator, value (trimmed, blank → null) and `_row` (the row's index in
    ``data.values``), located per line.

    Returns False, having changed nothing, when the file quotes a cell in a way only the csv
    module reads right (a separator, line break or quote inside quotes); the row-by-row
    reader takes it then.
    """
    width = len(header)
    lines = pl.Series("line", text.split("\n")[1:], dtype=pl.Utf8)
    if "\r" in text:
        lines = lines.str.strip_suffix("\r")
    frame = pl.DataFrame(lines).with_row_index("_line", offset=2)
    frame = frame.with_columns(_commas=pl.col("line").str.count_matches(",", literal=True))
    # A blank line (commas and whitespace only) is skipped: told apart here among the few
    # lines of another width, and among the others from their cells below.
    blank = pl.col("line").str.replace_all(",", "", literal=True).str.strip_chars() == ""
    ragged = frame.filter(pl.col("_commas") != width - 1).filter(~blank)
    if ragged.select(pl.col("line").str.contains('"', literal=True).any()).item():
        return False
    cells = (
        frame.filter(pl.col("_commas") == width - 1)
        .select(
            "_line", pl.col("line").str.split_exact(",", width - 1).struct.rename_fields(header)
        )
        .unnest("line")
    )
    # Quotes are rare: only the rows that have one are checked. Once every quoted cell is
    # known to be wholly quoted, stripping quote characters unquotes it exactly.
    quote = pl.any_horizontal(pl.col(c).str.contains('"', literal=True) for c in VALUE_COLUMNS)
    cells = cells.with_columns(_quoted=quote)
    quoted = cells.filter(pl.col("_quoted"))
    if quoted.height:
        whole = [pl.col(c).str.contains('^"[^"]*"$') for c in VALUE_COLUMNS]
        contains = [pl.col(c).str.contains('"', literal=True) for c in VALUE_COLUMNS]
        found = quoted.select(
            pl.any_horizontal(q & ~w for q, w in zip(contains, whole, strict=True))
            .any()
            .alias("_odd"),
            *(q.any().alias(c) for q, c in zip(contains, VALUE_COLUMNS, strict=True)),
        ).row(0, named=True)
        if found["_odd"]:
            return False
        cells = cells.with_columns(
            pl.col(c).str.strip_chars('"') for c in VALUE_COLUMNS if found[c]
        )
    cells = cells.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in VALUE_COLUMNS)
    # Blank lines (commas and whitespace only) are skipped; a quoted cell ("" too) is not blank.
    empty = [pl.col(c).is_null() for c in VALUE_COLUMNS]
    cells = cells.filter(~pl.all_horizontal(*empty, ~pl.col("_quoted")))
    line_numbers = cells.get_column("_line").to_numpy()
    # The rows keep their places in ``data.values`` (the builder's paths and the order of
    # duplicates are the same as row by row); the list holds a placeholder for each.
    items: list[Any] = data.setdefault("values", [])
    start = len(items)
    items.extend([TABLE_ROW] * cells.height)
    origins.add_table("values", name, start, line_numbers, {c: c for c in header}, "value")
    rows = cells.select(
        *VALUE_COLUMNS, pl.int_range(start, start + cells.height, dtype=pl.Int64).alias("_row")
    )
    previous = data.get("value_rows")
    data["value_rows"] = rows if previous is None else pl.concat([previous, rows])
    for line, row_text in ragged.select("_line", "line").iter_rows():
        count = len(next(csv.reader([row_text]), []))
        problems.append(Problem(f"{name} 第 {line} 行", f"应有 {len(header)} 列，实有 {count} 列"))
    return True


def _read_rows(
    text: str,
    name: str,
    header: list[str],
    table: str,
    data: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
) -> None:
    items: list[Any] = data.setdefault(table, [])
    columns = {column: column for column in header}
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(f"{name} 第 {line} 行", f"应有 {len(header)} 列，实有 {len(row)} 列")
            )
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        item: dict[str, Any] = {}
        for column, cell in cells.items():
            if column == "value":
                item["value"] = number_or_text(cell) if cell else None
            elif column == "points":
                if cell:
                    item["points"] = number_or_text(cell)
            elif cell:
                item[column] = cell
        origins.add_row(
            ("data", table, len(items)),
            RowOrigin(name, None, line, columns, "value" if table == "values" else None),
        )
        items.append(item)


def parse_ballots_early(paths: Sequence[str | Path], pool: Executor) -> dict[Path, Future[Any]]:
    """Start parsing the first ballots CSV of `paths` in `pool` at once: polars parses it
    outside the GIL while the other files are read and checked in Python. Only the parse moves:
    its errors and every check are reported when `read_csv` reaches the file, as before."""
    for given in paths:
        path = Path(given)
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        try:
            first = next(csv.reader(io.StringIO(decode(_head(path)))), [])
        except (OSError, UnicodeDecodeError):
            continue
        if table_of([column.strip() for column in first]) == "ballots":
            return {path: pool.submit(_parse_ballots, path)}
    return {}


def _parse_ballots(path: Path) -> pl.DataFrame:
    """The file's rows as text columns and `_row` from 0, in the reader's own chunks (93 at
    5M marks), so the columns stay aligned without copying them into one chunk."""
    options: dict[str, Any] = {"infer_schema": False, "has_header": True}
    options |= {"row_index_name": _ROW, "row_index_offset": 0}
    try:
        # Straight from the file: no Python string of a province's 5 million marks.
        return pl.read_csv(path, **options)
    except pl.exceptions.ComputeError as error:
        if "utf-8" not in str(error).lower():
            raise
        # Not UTF-8: GB18030 as a Chinese Excel saves it (small files in practice).
        return pl.read_csv(io.StringIO(decode(path.read_bytes())), **options)


def _read_ballots(
    path: Path,
    data: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
    early: Future[Any] | None = None,
) -> None:
    name = str(path)
    try:
        frame = early.result() if early is not None else _parse_ballots(path)
        if origins.mark_count:  # the global row number, after the marks of earlier files
            frame = frame.with_columns(pl.col(_ROW) + origins.mark_count)
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"无法读取 CSV 文件：{error}"))
        return
    except (pl.exceptions.PolarsError, ValueError) as error:
        problems.append(Problem(name, f"CSV 格式错误（每行应有 5 列，逗号分隔）：{error}"))
        return
    frame = frame.rename({column: column.strip() for column in frame.columns})
    if _holds_nul(path):
        problems.append(_nul_in_marks(frame, name, origins.mark_count))
        return
    origins.add_marks(frame.height, name, None, 2, {c: c for c in MARK_COLUMNS})
    append_marks(data, normalise_marks(frame))


def _holds_nul(path: Path) -> bool:
    """Whether the file has a NUL byte anywhere (one memchr over the mapped file: nothing next
    to the parse). UTF-8 and GB18030 both encode U+0000, and only it, as a zero byte."""
    with path.open("rb") as source:
        if os.fstat(source.fileno()).st_size == 0:
            return False
        with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return mapped.find(b"\x00") >= 0


def _nul_in_marks(frame: pl.DataFrame, name: str, first_row: int) -> Problem:
    """Where the first NUL of the marks is: the line and the column (as ``nul_problem`` says it
    for the other files); the line of the whole file when no cell holds it (the header)."""
    for column in frame.columns:
        if column == _ROW or frame.schema[column] != pl.Utf8:
            continue
        hits = frame.filter(pl.col(column).str.contains("\x00", literal=True))
        if hits.height:
            line = int(hits.get_column(_ROW)[0]) - first_row + 2
            where = f"{name} 第 {line} 行「{column}」列"
            return Problem(where, "含有 NUL 控制字符（\\u0000），文本中不能有此字符")
    return Problem(f"{name} 第 1 行", "含有 NUL 控制字符（\\u0000），文本中不能有此字符")


def normalise_marks(frame: pl.DataFrame) -> pl.DataFrame:
    """Mark columns as trimmed Utf8 (blank → null) and `_row` as Int64.

    A column is rewritten only when one of its values needs it: a province's marks are
    5 million rows of a few hundred thousand distinct codes, already clean as a rule.
    """
    trim = trim_columns(frame, MARK_COLUMNS)
    columns = []
    for column in MARK_COLUMNS:
        values = pl.col(column).cast(pl.Utf8)
        if column in trim:
            values = values.str.strip_chars().replace("", None)
        columns.append(values.alias(column))
    return frame.select(*columns, pl.col(_ROW).cast(pl.Int64))


def append_marks(data: dict[str, Any], frame: pl.DataFrame) -> None:
    previous = data.get("ballot_marks")
    data["ballot_marks"] = frame if previous is None else pl.concat([previous, frame])


# --- writing ---------------------------------------------------------------------------


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else format_scalar(cell) for cell in row])
    return out.getvalue()


def values_csv(values: Iterable[Mapping[str, Any]]) -> str:
    """``values.csv`` text from raw value rows."""
    return _csv_text(VALUE_COLUMNS, ([v.get(c) for c in VALUE_COLUMNS] for v in values))


def events_csv(events: Iterable[Mapping[str, Any]]) -> str:
    """``events.csv`` text from raw events (with the optional ``effect`` column)."""
    return _csv_text(EVENT_COLUMNS, ([e.get(c) for c in EVENT_COLUMNS] for e in events))


def ballot_rows(ballots: Iterable[Mapping[str, Any]]) -> Iterable[tuple[Any, ...]]:
    """YAML ballots as long-format rows (evaluation, group, ballot, assessee, option)."""
    for ballot in ballots:
        key = (ballot.get("evaluation"), ballot.get("group"), ballot.get("ballot"))
        if "picks" in ballot:
            picks = ballot.get("picks") or []
            if not picks:
                yield (*key, None, None)
            for pick in picks:
                yield (*key, pick, None)
        else:
            for assessee, mark in (ballot.get("marks") or {}).items():
                yield (*key, assessee, mark_text(mark))


def ballots_frame(ballots: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """YAML ballots as a marks frame (MARK_COLUMNS, all Utf8)."""
    rows = list(ballot_rows(ballots))
    return pl.DataFrame(rows, schema=dict.fromkeys(MARK_COLUMNS, pl.Utf8), orient="row")


def ballots_csv(marks: pl.DataFrame) -> str:
    """``ballots.csv`` text of a marks frame (polars writer: fast for millions of rows)."""
    return marks.select(MARK_COLUMNS).write_csv()
