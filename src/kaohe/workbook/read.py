"""Read YAML/JSON/CSV/Excel files into one raw document and a locator (workbook.md).

Several files make one document (``plan.xlsx values.csv ballots.csv``): lists are appended,
mappings merged, and exactly one file may define the plan. Problems a file's syntax or
layout causes are collected over every file and raised together; the document's content is
then validated by `kaohe.workbook.build.build_document`, whose paths the locator turns back
into file, sheet, row and column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kaohe.engine.gcpause import gc_paused
from kaohe.errors import InputError, Locate, Problem
from kaohe.workbook.csvio import parse_ballots_early, read_csv
from kaohe.workbook.fmt_locate import Origins
from kaohe.workbook.text_checks import nul_problem

if TYPE_CHECKING:
    from kaohe.engine.model import Document
    from kaohe.workbook.build import MarksHook

_LISTS = {("organization", "units"), ("organization", "people"), ("data", "values")}
_LISTS |= {("data", "events"), ("data", "ballots")}
_MAPPINGS = {("data", "scale"), ("data", "process")}


def read_raw(paths: Sequence[str | Path]) -> tuple[dict[str, Any], Locate]:
    """Read and merge files into one raw document (YAML shape) and its `Locate`."""
    doc: dict[str, Any] = {}
    origins = Origins()
    problems: list[Problem] = []
    if not paths:
        problems.append(Problem("(命令行)", "没有给出输入文件"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        early = parse_ballots_early(paths, pool)
        _read_files(paths, doc, origins, problems, early)
    if problems:
        raise InputError(problems)
    return doc, origins.locate


def _read_files(
    paths: Sequence[str | Path],
    doc: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
    early: Mapping[Path, Future[Any]],
) -> None:
    for given in paths:
        path = Path(given)
        suffix = path.suffix.lower()
        if not path.is_file():
            problems.append(Problem(str(path), "文件不存在"))
        elif suffix in (".yaml", ".yml", ".json"):
            _read_yaml(path, doc, origins, problems)
        elif suffix == ".csv":
            read_csv(path, doc, origins, problems, early.get(path))
        elif suffix in (".xlsx", ".xlsm"):
            # Imported here: openpyxl and calamine cost 0.3 s to load, which CSV/YAML/JSON
            # input (a province's `kaohe score` or `load`) does not need.
            from kaohe.workbook.excel import read_xlsx

            read_xlsx(path, doc, origins, problems)
        else:
            problems.append(
                Problem(str(path), "不支持的文件类型，应为 .yaml/.yml/.json/.csv/.xlsx")
            )


def read_document(paths: Sequence[str | Path], *, on_marks: MarksHook | None = None) -> Document:
    """`read_raw` + `build_document`: a validated `Document`, or InputError with every problem.
    `on_marks`: see `build_document`."""
    from kaohe.workbook.build import build_document

    with gc_paused():  # a million long-lived objects, no cycles (engine/gcpause.py)
        raw, locate = read_raw(paths)
        return build_document(raw, locate=locate, on_marks=on_marks)


def _read_yaml(path: Path, doc: dict[str, Any], origins: Origins, problems: list[Problem]) -> None:
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, f"无法读取（应为 UTF-8 编码的文本）：{error}"))
        return
    nul = nul_problem(name, text)
    if nul is not None:
        problems.append(nul)
        return
    try:
        loaded = json.loads(text) if path.suffix.lower() == ".json" else load_yaml(text)
    except json.JSONDecodeError as error:
        where = f"{name} 第 {error.lineno} 行"
        problems.append(Problem(where, f"JSON 语法错误：{error.msg}（第 {error.colno} 列）"))
        return
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name} 第 {mark.line + 1} 行" if mark is not None else name
        what = "；".join(str(x) for x in (error.context, error.problem) if x)
        problems.append(Problem(where, f"YAML 语法错误（文件不完整或格式有误）：{what}"))
        return
    except yaml.YAMLError as error:
        problems.append(Problem(name, f"YAML 语法错误：{error}"))
        return
    if not isinstance(loaded, Mapping):
        kind = "空文件" if loaded is None else f"「{type(loaded).__name__}」"
        problems.append(
            Problem(
                name, f"应为一个映射（version、organization、plan、evaluations、data），实为{kind}"
            )
        )
        return
    merge_document(loaded, name, doc, origins, problems)


# libyaml parses a province's plan (20,000 units) about three times faster than the pure-Python
# parser; both apply the same YAML 1.1 resolver, so they build the same document.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, through libyaml when available.

    A document libyaml rejects is parsed again by the pure-Python parser, so a syntax error is
    always reported with the same words and place whichever parser is installed.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def merge_document(
    part: Mapping[str, Any],
    file: str,
    doc: dict[str, Any],
    origins: Origins,
    problems: list[Problem],
) -> None:
    """Merge one file's document into `doc`, registering where each part came from."""
    for key, value in part.items():
        if key == "plan":
            if origins.plan_file is not None:
                problems.append(
                    Problem(
                        f"{file}: plan",
                        f"方案已在 {origins.plan_file} 中定义；一份文档只能有一个方案",
                    )
                )
                continue
            origins.plan_file = file
        if key in ("organization", "data") and isinstance(value, Mapping):
            target = doc.setdefault(key, {})
            if isinstance(target, dict):
                origins.add_yaml((key,), file)
                _merge_section(key, value, target, file, origins, problems)
                continue
        if key == "evaluations" and isinstance(value, list) and isinstance(doc.get(key), list):
            _extend((key,), value, doc[key], file, origins)
            continue
        if key in doc and doc[key] != value:
            problems.append(Problem(f"{file}: {key}", f"「{key}」已在另一个文件中给出，且内容不同"))
            continue
        doc[key] = value
        origins.add_yaml((key,), file)


def _merge_section(
    section: str,
    part: Mapping[str, Any],
    target: dict[str, Any],
    file: str,
    origins: Origins,
    problems: list[Problem],
) -> None:
    for key, value in part.items():
        prefix = (section, key)
        if prefix in _LISTS and isinstance(value, list) and isinstance(target.get(key), list):
            _extend(prefix, value, target[key], file, origins)
        elif (
            prefix in _MAPPINGS and isinstance(value, Mapping) and isinstance(target.get(key), dict)
        ):
            for code, item in value.items():
                if code in target[key]:
                    where = f"{file}: {section}.{key}.{code}"
                    problems.append(Problem(where, f"「{code}」已在另一个文件中给出"))
                else:
                    target[key][code] = item
                    origins.add_yaml((*prefix, code), file)
        elif key in target and target[key] != value:
            where = f"{file}: {section}.{key}"
            problems.append(Problem(where, f"「{section}.{key}」已在另一个文件中给出，且内容不同"))
        else:
            target[key] = value if not isinstance(value, list) else list(value)
            if isinstance(value, Mapping) and prefix in _MAPPINGS:
                target[key] = dict(value)
            origins.add_yaml(prefix, file)


def _extend(
    prefix: tuple[str, ...], items: list[Any], target: list[Any], file: str, origins: Origins
) -> None:
    for index, item in enumerate(items):
        origins.add_yaml((*prefix, len(target)), file, (*prefix, index))
        target.append(item)
