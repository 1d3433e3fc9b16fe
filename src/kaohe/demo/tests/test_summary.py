"""demo_summary on small hand-written results (no engine needed)."""

from __future__ import annotations

from kaohe.demo import demo_summary


def _assessee(code: str, name: str, total: float, rank: int, grade: str, **extra: object) -> dict:
    row = {"code": code, "name": name, "category": "township", "total": total, "rank": rank,
           "rank_of": 4, "grade": grade, "flags": [], "vetoes": [], "downgrades": 0,
           "evaluations": {}}  # fmt: skip
    row.update(extra)
    return row


RESULTS = {
    "plan": "2025-units",
    "categories": {"township": {"n": 4, "non_discriminating": ["T2"]}},
    "assessees": [
        _assessee("XZ02", "河口镇", 96.4, 1, "优秀"),
        _assessee("XZ01", "城关镇", 93.1, 2, "一般", downgrades=1),
        _assessee("XZ04", "双河镇", 90.0, 3, "良好"),
        _assessee(
            "XZ03",
            "兴隆镇",
            71.456,
            4,
            "较差",
            flags=["integrity_below:60"],
            vetoes=[{"item": "党风廉政", "effect": "lowest"}],
            evaluations={"sl2025": {"score": 48.5}},
        ),
    ],
    "indicators": [],
    "worst": {"zc2025": [{"assessee": "XZ03", "votes": 41, "share": 0.3504}]},
}


def test_summary_lists_what_a_reader_needs() -> None:
    text = demo_summary([RESULTS])
    lines = text.splitlines()
    assert lines[0] == "2025年度乡镇和县直部门实绩考核（2025-units）"
    row = next(line for line in lines if line.strip().startswith("乡镇"))
    assert "4个" in row
    assert "优秀 1 · 良好 1 · 一般 1 · 较差 1" in row
    assert "河口镇 96.40、城关镇 93.10、双河镇 90.00" in row
    assert "兴隆镇 71.46" not in row  # only the top three
    assert "无区分度指标（建议取消或调整）：T2 民生社保任务完成率" in text
    assert "两评大会评选最差部门：兴隆镇 41票（占35.04%）" in text
    assert "述廉评廉列入组织处理：兴隆镇（低于60分，得分 48.50）" in text
    assert "一票否决：兴隆镇（党风廉政，定为最低等次），定为较差" in text
    assert "降档：城关镇 下调1个档次，定为一般" in text


def test_unknown_plans_show_codes() -> None:
    results = {**RESULTS, "plan": "2024-other", "worst": {}}
    results["categories"] = {"team": {"n": 1, "non_discriminating": []}}
    results["assessees"] = [{**RESULTS["assessees"][0], "category": "team"}]
    text = demo_summary([results])
    assert text.startswith("2024-other\n")
    assert "team" in text and "1个" in text


def test_columns_line_up_with_chinese_text() -> None:
    lines = demo_summary([RESULTS]).splitlines()
    header = lines[1]
    row = next(line for line in lines if line.strip().startswith("乡镇"))

    # Wide characters count two columns: the 等次 column starts at the same display column.
    def column(line: str, text: str) -> int:
        before = line[: line.index(text)]
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in before)

    assert column(header, "等次分布") == column(row, "优秀")
