"""Chinese personal names for the demo county: common surnames, ordinary given names.

Surnames are weighted roughly by how common they are in northern counties, so a staff list
looks like one (many 王、李、张、刘, a few 鞠、庞). Names are unique within the county so a
person can be found by name in the demo's pages.
"""

from __future__ import annotations

import random

# (surname, relative weight)
_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 70), ("张", 66), ("刘", 54), ("陈", 36), ("杨", 30), ("赵", 26),
    ("黄", 18), ("周", 18), ("吴", 16), ("徐", 14), ("孙", 18), ("马", 14), ("朱", 12),
    ("胡", 12), ("郭", 12), ("何", 8), ("高", 12), ("林", 8), ("罗", 6), ("郑", 8),
    ("梁", 8), ("谢", 6), ("宋", 8), ("唐", 6), ("许", 6), ("韩", 8), ("冯", 6), ("邓", 5),
    ("曹", 6), ("彭", 4), ("曾", 4), ("肖", 4), ("田", 6), ("董", 6), ("袁", 4), ("潘", 4),
    ("于", 8), ("蒋", 4), ("蔡", 4), ("余", 3), ("杜", 5), ("叶", 3), ("程", 4), ("苏", 4),
    ("魏", 5), ("吕", 4), ("丁", 4), ("任", 4), ("沈", 3), ("姚", 4), ("卢", 3), ("姜", 6),
    ("崔", 5), ("钟", 2), ("谭", 2), ("陆", 2), ("汪", 2), ("范", 4), ("金", 3), ("石", 3),
    ("廖", 2), ("贾", 4), ("夏", 3), ("韦", 2), ("付", 4), ("方", 3), ("白", 4), ("邹", 2),
    ("孟", 4), ("熊", 2), ("秦", 3), ("邱", 2), ("江", 2), ("尹", 3), ("薛", 3), ("闫", 4),
    ("段", 3), ("雷", 2), ("侯", 4), ("龙", 1), ("史", 3), ("陶", 2), ("黎", 1), ("贺", 2),
    ("顾", 2), ("毛", 2), ("郝", 3), ("龚", 1), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2),
    ("覃", 1), ("武", 3), ("戴", 2), ("莫", 1), ("孔", 2), ("向", 1), ("汤", 2), ("常", 3),
    ("鞠", 1), ("庞", 1), ("关", 2), ("矫", 1), ("栾", 1), ("隋", 1), ("牟", 1), ("岳", 2),
)  # fmt: skip

# Characters that make ordinary given names for people born 1965–1995.
_MALE = (
    "伟强军磊勇杰涛明超辉刚平鹏华斌峰波宇浩凯健俊林东文建国志海春晓永德立振兴成忠学宏"
    "庆胜长福金荣松新卫世军彬旭阳博亮岩飞龙山江河晨鑫瑞"
)
_FEMALE = "芳娜敏静丽艳娟霞秀燕玲桂红梅琳萍雪慧颖婷晶莉凤兰英琴洁丹薇佳欣月玉华春晓"


class NamePool:
    """Draws personal names from one random stream, never the same name twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()
        self._surnames = [s for s, _ in _SURNAMES]
        self._weights = [w for _, w in _SURNAMES]

    def draw(self) -> str:
        rng = self._rng
        while True:
            surname = rng.choices(self._surnames, self._weights)[0]
            chars = _MALE if rng.random() < 0.72 else _FEMALE  # cadres are mostly men
            # About one in five given names has a single character (王强, 李娜).
            length = 1 if rng.random() < 0.2 else 2
            given = "".join(rng.choice(chars) for _ in range(length))
            if length == 2 and given[0] == given[1] and rng.random() < 0.7:
                continue  # reduplicated names (丽丽) are rarer among cadres
            name = surname + given
            if name not in self._used:
                self._used.add(name)
                return name
