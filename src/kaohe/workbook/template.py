"""The downloadable Excel template: every sheet, Chinese headers with an explanation on
each (hover the header), drop-down lists and number checks, and example rows that together
form a small valid document, so a filled-in template is read exactly like the example."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from kaohe.workbook.excel import write_raw_workbook
from kaohe.workbook.fmt_sheets import SHEETS

EXAMPLE: Final[dict[str, Any]] = {
    "version": 1,
    "organization": {
        "name": "示例县",
        "units": [{"code": "XZ01", "name": "城关镇", "category": "township"}],
        "people": [
            {
                "code": "P001",
                "name": "张三",
                "unit": "XZ01",
                "position": "党委书记",
                "role": "cadre",
            }
        ],
    },
    "plan": {
        "code": "2025-annual",
        "name": "2025年度乡镇实绩考核",
        "year": 2025,
        "assessees": "units",
        "bonus_cap": 5,
        "non_discriminating_share": 0.9,
        "vetoes": [{"item": "党风廉政", "effect": "lowest"}],
        "categories": [
            {
                "code": "township",
                "name": "乡镇",
                "full_score": 100,
                "tiebreak": ["target"],
                "sections": [
                    {
                        "code": "target",
                        "name": "目标考核",
                        "points": 60,
                        "indicators": [
                            {
                                "code": "T1",
                                "name": "经济发展",
                                "points": 40,
                                "indicators": [
                                    {
                                        "code": "T1.1",
                                        "name": "财政收入",
                                        "points": 20,
                                        "method": "ratio",
                                        "target": 100,
                                    },
                                    {
                                        "code": "T1.2",
                                        "name": "项目建设",
                                        "points": 20,
                                        "method": "tiered",
                                        "target": 100,
                                        "tiers": [[1, 1], [0.9, 0.8], [0.8, 0.6]],
                                    },
                                ],
                            },
                            {
                                "code": "T2",
                                "name": "生态文明",
                                "points": 20,
                                "method": "grade",
                                "grades": {"A": 1, "B": 0.85, "C": 0.7, "D": 0.5},
                                "assessor": "XZ01",
                            },
                        ],
                    },
                    {"code": "process", "name": "日常考核", "points": 20, "source": "process"},
                    {
                        "code": "democratic",
                        "name": "民主评价",
                        "points": 20,
                        "evaluation": "mz2025",
                    },
                ],
                "grades": [
                    {"name": "优秀", "quota": 20, "min_score": 90},
                    {"name": "良好", "quota": 40},
                    {"name": "一般"},
                ],
            }
        ],
    },
    "evaluations": [
        {
            "code": "mz2025",
            "name": "民主测评",
            "kind": "standard",
            "form": "grade",
            "options": {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
            "satisfied": ["优秀", "称职"],
            "max_top_share": 0.3,
            "groups": [{"code": "staff", "name": "干部职工", "weight": 1}],
        }
    ],
    "data": {
        "scale": {"XZ01": 1.05},
        "process": {"XZ01": 92.5},
        "values": [
            {"assessee": "XZ01", "indicator": "T1.1", "value": 95},
            {"assessee": "XZ01", "indicator": "T1.2", "value": 92},
            {"assessee": "XZ01", "indicator": "T2", "value": "B"},
        ],
        "events": [{"assessee": "XZ01", "type": "bonus", "points": 2, "reason": "获省级表彰"}],
        "ballots": [
            {
                "evaluation": "mz2025",
                "group": "staff",
                "ballot": "S0001",
                "marks": {"XZ01": "优秀"},
            },
        ],
    },
}

README: Final = (
    ("kaohe 考核工作簿", "按工作表填写；示例行可直接改写或删除。表头上悬停可看每一列的说明。"),
    ("文件", "可以只填一部分工作表：如方案单独一个工作簿，指标值、测评票另用 CSV 文件，一起导入。"),
    ("代码", "类别、一级指标、指标、测评、测评主体、单位、人员都用代码互相引用，代码不能重复。"),
    (
        "多项单元格",
        "选项、等级赋分、维度写成「标签=数值;标签=数值」，分档写成「阈值:比例;阈值:比例」。",
    ),
    (
        "不涉及",
        "指标值填 N/A 或 不涉及 表示该考核对象不涉及此指标；空白表示缺报，按 0 分计并标注。",
    ),
    *((sheet.name, sheet.note) for sheet in SHEETS),
)


def write_template(path: str | Path) -> None:
    """Write the blank workbook template (with its example rows) to `path`."""
    write_raw_workbook(EXAMPLE, path, readme=README)
