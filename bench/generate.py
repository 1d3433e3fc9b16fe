"""A province-scale assessment workbook for the benchmarks (docs/benchmarks.md).

At scale 1.0: one units plan with 3 categories (40 leaf indicators each, all six methods,
sections target/process/democratic, graded with quotas), 20,000 assessees, values.csv with
every assessee × its 40 indicators (a few N/A and missing), events.csv, and ballots.csv with
5,000,000 marks of one grade-form democratic evaluation with 3 rater groups (~20 marks a
ballot). Everything is drawn from one seeded generator with vectorised NumPy/polars, never a
Python loop per mark, so the province is generated in seconds and is the same every time.

    .venv/bin/python bench/generate.py --scale 0.02
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

# Bump when the generated content changes, so stale workbooks under bench/out/ are rebuilt.
# 2: the plan, organisation and data part as plan.json instead of plan.yaml (same content).
GENERATOR_VERSION = 2
SEED = 20250101
BASE_ASSESSEES = 20_000
BASE_MARKS = 5_000_000
OUT = Path(__file__).resolve().parent / "out"

PLAN_CODE = "bench-2025"
EVALUATION = "mz2025"
OPTIONS = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0}
# What a voter may scrawl on a paper ballot: an unknown label is a void mark (scoring.md §4).
UNKNOWN_OPTION = "弃权"
GROUPS = (  # code, name, weight, trim, min_ballots, share of ballots
    ("leaders", "县领导", 30, 0, 1, 0.2),
    ("staff", "干部职工", 40, 1, 1, 0.5),
    ("public", "服务对象", 30, 0, 5, 0.3),
)
METHODS = ("ratio", "tiered", "grade", "direct", "deduct", "rank")
LEAVES = 40
LEAF_POINTS = 1.5  # 40 × 1.5 = the target section's 60 points
GRADE_LABELS = {"A": 1.0, "B": 0.85, "C": 0.7, "D": 0.5}
TIERS = [[1.0, 1.0], [0.9, 0.8], [0.8, 0.6], [0.6, 0.3]]
INDICATOR_NAMES = (
    "经济发展",
    "财政收入",
    "招商引资",
    "项目建设",
    "乡村振兴",
    "生态环保",
    "安全生产",
    "民生保障",
    "社会治理",
    "党的建设",
    "营商环境",
    "信访维稳",
    "文明创建",
    "基层治理",
    "重点任务",
    "依法行政",
    "政务服务",
    "作风建设",
    "教育卫生",
    "城乡建设",
)
VETO_ITEMS = (("党风廉政", "lowest"), ("安全生产", "lowest"), ("取消评先评优", "no_top"))


@dataclass(frozen=True, slots=True)
class CategorySpec:
    code: str
    name: str
    prefix: str  # unit and indicator codes start with it
    unit_name: str
    share: float  # of the assessees


CATEGORIES = (
    CategorySpec("township", "乡镇", "XZ", "镇", 0.40),
    CategorySpec("dept_party", "县直党群部门", "DQ", "党群部门", 0.25),
    CategorySpec("dept_gov", "县直政务部门", "ZW", "政务部门", 0.35),
)


@dataclass(frozen=True, slots=True)
class Workbook:
    """The generated files and what is in them (also written as manifest.json)."""

    directory: str
    scale: float
    seed: int
    version: int
    plan_code: str
    assessees: int
    categories: dict[str, int]
    values: int
    events: int
    ballots: int
    marks: int

    @property
    def plan_path(self) -> Path:
        # JSON, which workbook.md accepts as well as YAML: a machine-written organisation of
        # 20,000 units is parsed in 0.1 s where even libyaml's YAML takes 1.8 s
        # (docs/benchmarks.md). The content is the same document.
        return Path(self.directory) / "plan.json"

    @property
    def values_path(self) -> Path:
        return Path(self.directory) / "values.csv"

    @property
    def events_path(self) -> Path:
        return Path(self.directory) / "events.csv"

    @property
    def ballots_path(self) -> Path:
        return Path(self.directory) / "ballots.csv"

    @property
    def files(self) -> list[Path]:
        """The workbook as `kaohe score/load` take it, in order."""
        return [self.plan_path, self.values_path, self.events_path, self.ballots_path]


def workbook_dir(scale: float, out: Path = OUT) -> Path:
    return out / f"scale-{scale:g}"


def category_sizes(scale: float) -> dict[str, int]:
    """Assessees per category; each category keeps at least 30 so a ballot has ~20 to mark."""
    total = max(round(BASE_ASSESSEES * scale), 30 * len(CATEGORIES))
    sizes = {c.code: max(30, math.floor(total * c.share)) for c in CATEGORIES}
    sizes[CATEGORIES[0].code] += total - sum(sizes.values())
    return sizes


def generate(
    scale: float = 1.0, *, out: Path = OUT, seed: int = SEED, force: bool = False
) -> Workbook:
    """Write (or reuse, when already there at the same scale and seed) the workbook."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    directory = workbook_dir(scale, out)
    manifest = directory / "manifest.json"
    if not force and manifest.exists():
        found = json.loads(manifest.read_text(encoding="utf-8"))
        workbook = Workbook(**found)
        if (
            workbook.version == GENERATOR_VERSION
            and workbook.seed == seed
            and workbook.scale == scale
            and all(path.exists() for path in workbook.files)
        ):
            return workbook
    directory.mkdir(parents=True, exist_ok=True)
    manifest.unlink(missing_ok=True)  # a half-written workbook must never look complete

    rng = np.random.default_rng(seed)
    sizes = category_sizes(scale)
    units = _units(sizes)
    # A latent quality per assessee, so values, ballots and ranks are correlated like real data.
    quality = rng.normal(0.0, 1.0, len(units))

    document = plan_document(units, rng)
    values = _values(units, quality, rng)
    events = _events(units, rng)
    marks = max(round(BASE_MARKS * scale), 1)
    ballots, ballot_count = _ballots(units, quality, marks, rng)

    (directory / "plan.yaml").unlink(missing_ok=True)  # from generator version 1
    with (directory / "plan.json").open("w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=1)
    values.write_csv(directory / "values.csv")
    events.write_csv(directory / "events.csv")
    ballots.write_csv(directory / "ballots.csv")

    workbook = Workbook(
        directory=str(directory),
        scale=scale,
        seed=seed,
        version=GENERATOR_VERSION,
        plan_code=PLAN_CODE,
        assessees=units.height,
        categories=sizes,
        values=values.height,
        events=events.height,
        ballots=ballot_count,
        marks=ballots.height,
    )
    manifest.write_text(json.dumps(asdict(workbook), indent=2), encoding="utf-8")
    return workbook


def _units(sizes: dict[str, int]) -> pl.DataFrame:
    """code, name, category of every assessee; categories contiguous, in declared order."""
    frames = []
    for spec in CATEGORIES:
        number = pl.int_range(1, sizes[spec.code] + 1, eager=True).cast(pl.Utf8).str.zfill(5)
        frames.append(
            pl.DataFrame(
                {
                    "code": spec.prefix + number,
                    "name": "第" + number + "号" + spec.unit_name,
                    "category": pl.repeat(spec.code, sizes[spec.code], eager=True),
                }
            )
        )
    return pl.concat(frames)


def _leaf(spec: CategorySpec, i: int) -> dict[str, Any]:
    """Leaf indicator i (0-based): methods cycle so every category uses all six."""
    method = METHODS[i % len(METHODS)]
    leaf: dict[str, Any] = {
        "code": f"{spec.prefix}T{i + 1:02d}",
        "name": f"{INDICATOR_NAMES[i % len(INDICATOR_NAMES)]}（{i + 1}）",
        "points": LEAF_POINTS,
        "method": method,
    }
    lower = (i // len(METHODS)) % 2 == 1  # every other ratio and rank indicator: 越低越好
    if method == "ratio":
        if lower:
            leaf.update(direction="lower", target=5, cap=1.1)
        else:
            leaf.update(target=100)
    elif method == "tiered":
        leaf.update(target=100, tiers=[list(tier) for tier in TIERS])
        if lower:
            leaf["floor"] = 0.1
    elif method == "grade":
        leaf["grades"] = dict(GRADE_LABELS)
    elif method == "deduct":
        leaf["per"] = 0.5
    elif method == "rank" and lower:
        leaf.update(direction="lower", floor=0.7)
    return leaf


def _indicators(spec: CategorySpec) -> list[dict[str, Any]]:
    """40 leaves; the last four sit under two parents (三级指标) to exercise nesting."""
    leaves = [_leaf(spec, i) for i in range(LEAVES)]
    top: list[dict[str, Any]] = leaves[: LEAVES - 4]
    for k, pair in enumerate((leaves[LEAVES - 4 : LEAVES - 2], leaves[LEAVES - 2 :]), start=1):
        top.append(
            {
                "code": f"{spec.prefix}G{k}",
                "name": f"专项工作{k}",
                "points": LEAF_POINTS * len(pair),
                "indicators": pair,
            }
        )
    return top


def plan_document(units: pl.DataFrame, rng: np.random.Generator) -> dict[str, Any]:
    """The plan.json part of the workbook: organisation, plan, evaluation, scale and process."""
    codes = units["code"].to_list()
    n = len(codes)
    process = np.round(np.clip(rng.normal(85.0, 6.0, n), 0.0, 100.0), 1)
    has_process = rng.random(n) >= 0.001  # a few 日常考核 scores not yet in: missing:process
    townships = units["category"].to_numpy() == CATEGORIES[0].code
    scaled = townships & (rng.random(n) < 0.1)
    scale_values = np.round(rng.uniform(0.9, 1.2, n), 2)
    return {
        "version": 1,
        "organization": {
            "name": "基准省",
            "units": [
                {"code": c, "name": name, "category": cat} for c, name, cat in units.iter_rows()
            ],
        },
        "plan": {
            "code": PLAN_CODE,
            "name": "2025年度全省乡镇和县直部门实绩考核（基准）",
            "year": 2025,
            "assessees": "units",
            "bonus_cap": 5,
            "non_discriminating_share": 0.9,
            "vetoes": [{"item": item, "effect": effect} for item, effect in VETO_ITEMS],
            "categories": [
                {
                    "code": spec.code,
                    "name": spec.name,
                    "full_score": 100,
                    "tiebreak": ["target", "democratic"],
                    "sections": [
                        {
                            "code": "target",
                            "name": "目标考核",
                            "points": 60,
                            "indicators": _indicators(spec),
                        },
                        {"code": "process", "name": "日常考核", "points": 20, "source": "process"},
                        {
                            "code": "democratic",
                            "name": "民主评价",
                            "points": 20,
                            "evaluation": EVALUATION,
                        },
                    ],
                    "grades": [
                        {"name": "优秀", "quota": 20, "min_score": 85},
                        {"name": "良好", "quota": 40},
                        {"name": "一般", "quota": 30},
                        {"name": "较差"},
                    ],
                }
                for spec in CATEGORIES
            ],
        },
        "evaluations": [
            {
                "code": EVALUATION,
                "name": "民主测评",
                "kind": "standard",
                "form": "grade",
                "options": dict(OPTIONS),
                "satisfied": ["优秀", "称职"],
                "max_top_share": 0.3,
                "groups": [
                    {"code": code, "name": name, "weight": weight}
                    | ({"trim": trim} if trim else {})
                    | ({"min_ballots": minimum} if minimum > 1 else {})
                    for code, name, weight, trim, minimum, _ in GROUPS
                ],
            }
        ],
        "data": {
            "scale": {
                c: float(s) for c, s, keep in zip(codes, scale_values, scaled, strict=True) if keep
            },
            "process": {
                c: float(p) for c, p, keep in zip(codes, process, has_process, strict=True) if keep
            },
        },
    }


def _leaf_values(leaf: dict[str, Any], q: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """One indicator's values for a category's assessees, as the text a CSV cell holds."""
    n = len(q)
    method = leaf["method"]
    if method == "grade":
        # Better assessees draw better labels: shift a uniform draw by quality.
        u = np.clip(rng.random(n) - 0.15 * q, 0.0, 0.999)
        labels = np.array(list(GRADE_LABELS))
        return pl.Series(labels[np.searchsorted([0.3, 0.7, 0.9], u, side="right")])
    if method == "deduct":
        return pl.Series(rng.poisson(np.clip(0.6 - 0.3 * q, 0.05, None))).cast(pl.Utf8)
    if method == "direct":
        x = np.clip(rng.uniform(0.7, 1.5, n) + 0.1 * q, 0.0, LEAF_POINTS)
    elif method == "ratio" and leaf.get("direction") == "lower":
        x = np.clip(rng.normal(5.0, 0.8, n) - 0.3 * q, 0.1, None)
    elif method in ("ratio", "tiered"):
        x = np.clip(rng.normal(93.0, 9.0, n) + 4.0 * q, 0.0, None)
    else:  # rank: a raw measure, e.g. growth or a league-table figure
        x = rng.normal(80.0, 10.0, n) + (-5.0 if leaf.get("direction") == "lower" else 5.0) * q
    return pl.Series(np.round(x, 2)).cast(pl.Utf8)


def _values(units: pl.DataFrame, quality: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """values.csv: every assessee × its category's 40 leaves, assessee-major; a few N/A (不涉及),
    a few rows left out and a few empty cells (both missing, scoring.md §8)."""
    frames = []
    start = 0
    for spec in CATEGORIES:
        n = int((units["category"] == spec.code).sum())
        idx = np.arange(start, start + n)
        for j in range(LEAVES):
            leaf = _leaf(spec, j)
            frames.append(
                pl.DataFrame(
                    {
                        "_a": idx,
                        "_j": np.full(n, j),
                        "indicator": pl.repeat(leaf["code"], n, eager=True),
                        "value": _leaf_values(leaf, quality[idx], rng),
                    }
                )
            )
        start += n
    values = pl.concat(frames).sort("_a", "_j")
    u = rng.random(values.height)
    values = values.with_columns(
        pl.when(pl.Series(u < 0.005))
        .then(pl.lit("N/A"))
        .when(pl.Series(u < 0.006))
        .then(pl.lit(""))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    # 0.2% of the rows are simply not there (missing: no row)
    values = values.filter(pl.Series(rng.random(values.height) >= 0.002))
    codes = units["code"]
    return values.select(
        codes.gather(values["_a"]).alias("assessee"), pl.col("indicator"), pl.col("value")
    )


def _events(units: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """events.csv: bonuses (some over the cap together), deductions, vetoes and downgrades."""
    n = units.height
    rows: list[pl.DataFrame] = []

    def pick(rate: float) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < rate)

    def frame(idx: np.ndarray, kind: str, points: Any, item: Any, reason: Any) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "_a": idx,
                "type": pl.repeat(kind, len(idx), eager=True),
                "points": pl.Series(points if points is not None else [None] * len(idx)),
                "item": pl.Series(item if item is not None else [None] * len(idx)),
                "reason": pl.Series(reason, dtype=pl.Utf8),
            },
            schema={"_a": pl.Int64, **dict.fromkeys(("type", "points", "item", "reason"), pl.Utf8)},
        )

    reasons = np.array(["获国家级表彰", "获省级表彰", "获市级表彰", "潜绩加分", "创新工作获推广"])
    for _round in range(3):  # up to three bonuses each, so the bonus cap bites sometimes
        idx = pick(0.03)
        points = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], len(idx)).astype(str)
        rows.append(frame(idx, "bonus", points, None, rng.choice(reasons, len(idx))))
    idx = pick(0.02)
    points = rng.choice([0.5, 1.0, 2.0, 3.0], len(idx)).astype(str)
    why = rng.choice(["被市通报批评", "重点工作滞后", "弄虚作假"], len(idx))
    rows.append(frame(idx, "deduction", points, None, why))
    idx = pick(0.002)
    items = rng.choice([item for item, _ in VETO_ITEMS], len(idx))
    rows.append(frame(idx, "veto", None, items, np.char.add(items, "问题查实")))
    idx = pick(0.003)
    rows.append(frame(idx, "downgrade", None, None, np.full(len(idx), "干部违纪")))
    events = pl.concat(rows).sort("_a", maintain_order=True)
    return events.select(
        units["code"].gather(events["_a"]).alias("assessee"), "type", "points", "item", "reason"
    )


def _ballots(
    units: pl.DataFrame, quality: np.ndarray, marks: int, rng: np.random.Generator
) -> tuple[pl.DataFrame, int]:
    """ballots.csv (long format): each ballot is cast in one rater group and marks 15–25
    distinct assessees of one category (a window of neighbours, wrapping round); exactly
    `marks` rows."""
    sizes_by_cat = (
        units.group_by("category", maintain_order=True).len()["len"].to_numpy().astype(np.int64)
    )
    offsets = np.concatenate([[0], np.cumsum(sizes_by_cat)[:-1]])
    guess = marks // 20 + 16
    size = rng.integers(15, 26, guess)
    while size.sum() < marks:  # tiny scales: just draw more
        size = np.concatenate([size, rng.integers(15, 26, guess)])
    ends = np.cumsum(size)
    count = int(np.searchsorted(ends, marks) + 1)
    size = size[:count].copy()
    size[-1] -= int(ends[count - 1] - marks)
    category = rng.choice(len(sizes_by_cat), count, p=sizes_by_cat / sizes_by_cat.sum())
    size = np.minimum(size, sizes_by_cat[category])  # a ballot never marks anyone twice
    start = rng.integers(0, sizes_by_cat[category])
    shares = np.array([g[5] for g in GROUPS])
    group = rng.choice(len(GROUPS), count, p=shares / shares.sum())

    ballot = np.repeat(np.arange(count), size)
    first = np.concatenate([[0], np.cumsum(size)[:-1]])
    position = np.arange(len(ballot)) - np.repeat(first, size)
    cat = category[ballot]
    assessee = offsets[cat] + (start[ballot] + position) % sizes_by_cat[cat]
    # Latent opinion = the assessee's quality plus the voter's noise; thresholds give the
    # option (about a fifth 优秀, so some ballots break max_top_share and are void).
    opinion = 0.5 * quality[assessee] + rng.normal(0.0, 1.0, len(ballot))
    option = 3 - np.searchsorted([-1.6, -0.6, 0.95], opinion, side="right")
    option[rng.random(len(ballot)) < 0.0002] = len(OPTIONS)  # the unknown label
    labels = pl.Series([*OPTIONS, UNKNOWN_OPTION])
    frame = pl.DataFrame(
        {
            "evaluation": pl.repeat(EVALUATION, len(ballot), eager=True),
            "group": pl.Series([g[0] for g in GROUPS]).gather(group[ballot]),
            "ballot": "B" + pl.Series(ballot + 1).cast(pl.Utf8).str.zfill(7),
            "assessee": units["code"].gather(assessee),
            "option": labels.gather(option),
        }
    )
    return frame, count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成省级规模的基准测试考核数据")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 20,000 对象、500 万票")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--force", action="store_true", help="即使已存在也重新生成")
    args = parser.parse_args(argv)
    workbook = generate(args.scale, out=args.out, seed=args.seed, force=args.force)
    print(json.dumps(asdict(workbook), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
