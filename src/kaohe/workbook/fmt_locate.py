"""Where each part of a merged raw document came from, and the `Locate` built on it.

Readers register origins while they append to the merged document: a YAML file owns the
subtrees it defined (located by YAML path), a spreadsheet row owns the list item or mapping
entry it produced (located by sheet, row and column), and ballot-mark rows are located by
ranges of the global ``_row`` number, because millions of marks cannot each have an entry.
Value rows read columnar from a CSV (``data.value_rows``) are located the same way: by
ranges of their index in ``data.values``, with one line number per row. The builder's path
is resolved through its longest registered prefix.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kaohe.errors import Path, yaml_path


@dataclass(frozen=True, slots=True)
class RowOrigin:
    """A spreadsheet row (Excel sheet or CSV file) that produced one raw item."""

    file: str
    sheet: str | None  # None for CSV
    line: int | None  # 1-based line/row number; None: the sheet as a whole
    columns: Mapping[str, str] = field(default_factory=dict)  # raw key -> column header
    value_column: str | None = None  # the column meant when the path ends at this item

    def describe(self, column: str | None) -> str:
        text = self.file
        if self.sheet is not None:
            text += f" 工作表「{self.sheet}」"
        if self.line is not None:
            text += f"{'' if self.sheet is not None else ' '}第 {self.line} 行"
        if column is not None:
            text += f"「{column}」列"
        return text


@dataclass(frozen=True, slots=True)
class _MarkSegment:
    start: int  # first global _row of the segment
    stop: int  # one past the last
    file: str
    sheet: str | None
    first_line: int  # line of the segment's first row
    columns: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _TableSegment:
    """Rows ``start .. start + len(lines)`` of a columnar table came from one CSV file."""

    start: int
    file: str
    lines: Sequence[int]  # the file line of each row
    columns: Mapping[str, str]
    value_column: str | None


class Origins:
    """Registry of origins; `locate` is the `Locate` handed to the builder."""

    def __init__(self) -> None:
        self._rows: dict[Path, RowOrigin] = {}
        self._yaml: dict[Path, tuple[str, Path]] = {}  # prefix -> (file, path in that file)
        self._marks: list[_MarkSegment] = []
        self._mark_starts: list[int] = []
        self.mark_count = 0  # global _row of the next ballot mark
        self._tables: dict[str, list[_TableSegment]] = {}  # data key -> segments by start
        self.plan_file: str | None = None  # the one file that defined `plan`

    def add_yaml(self, prefix: Path, file: str, shown: Path | None = None) -> None:
        """`prefix` of the merged document came from `file`, where it sits at `shown`
        (list items merged after another file's items have another index there)."""
        self._yaml[prefix] = (file, prefix if shown is None else shown)

    def add_row(self, prefix: Path, origin: RowOrigin) -> None:
        self._rows[prefix] = origin

    def add_marks(
        self, count: int, file: str, sheet: str | None, first_line: int, columns: Mapping[str, str]
    ) -> int:
        """Reserve `count` global rows for a file's marks; returns the first `_row`."""
        start = self.mark_count
        if count:
            self._marks.append(_MarkSegment(start, start + count, file, sheet, first_line, columns))
            self._mark_starts.append(start)
        self.mark_count += count
        return start

    def add_table(
        self,
        key: str,
        file: str,
        start: int,
        lines: Sequence[int],
        columns: Mapping[str, str],
        value_column: str | None = None,
    ) -> None:
        """Items ``data.<key>[start:start + len(lines)]`` are one file's rows, on `lines`."""
        if len(lines):
            segment = _TableSegment(start, file, lines, columns, value_column)
            segments = self._tables.setdefault(key, [])
            segments.append(segment)
            segments.sort(key=lambda s: s.start)

    def locate(self, path: Path) -> str:
        path = tuple(path)
        if len(path) >= 3 and path[0] == "data" and path[1] in self._tables:
            found = self._locate_table(path)
            if found is not None:
                return found
        if len(path) >= 3 and path[:2] == ("data", "ballot_marks") and isinstance(path[2], int):
            found = self._locate_mark(path[2], path[3] if len(path) > 3 else None)
            if found is not None:
                return found
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            row = self._rows.get(prefix)
            if row is not None:
                rest = path[end:]
                if rest and isinstance(rest[0], str) and rest[0] in row.columns:
                    return row.describe(row.columns[rest[0]])
                return row.describe(row.value_column if not rest else None)
            found = self._yaml.get(prefix)
            if found is not None:
                file, shown = found
                return f"{file}: {yaml_path(shown + path[end:])}"
        return yaml_path(path)

    def _locate_table(self, path: Path) -> str | None:
        row = path[2]
        if not isinstance(row, int):
            return None
        segments = self._tables[str(path[1])]
        index = bisect.bisect_right([s.start for s in segments], row) - 1
        if index < 0 or row >= segments[index].start + len(segments[index].lines):
            return None
        segment = segments[index]
        origin = RowOrigin(segment.file, None, int(segment.lines[row - segment.start]))
        column = path[3] if len(path) > 3 else None
        if column is None:
            return origin.describe(segment.value_column)
        header = segment.columns.get(column) if isinstance(column, str) else None
        return origin.describe(header)

    def _locate_mark(self, row: int, column: object) -> str | None:
        index = bisect.bisect_right(self._mark_starts, row) - 1
        if index < 0:
            return None
        segment = self._marks[index]
        if row >= segment.stop:
            return None
        origin = RowOrigin(segment.file, segment.sheet, segment.first_line + row - segment.start)
        header = segment.columns.get(column) if isinstance(column, str) else None
        return origin.describe(header)
