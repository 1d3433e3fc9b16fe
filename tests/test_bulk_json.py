"""``json_texts`` (orjson) stores what ``json_text`` stores, and refuses what it refuses."""

from __future__ import annotations

import json
import math

import pytest

from kaohe.plans.bulk import json_text, json_texts

SAMPLES = [
    {"b": 1, "a": [1.5, 0.1, 2.675, 1e-05, 123456789.125, -0.0], "名称": '考核 "对象"\n'},
    {"score": None, "nested": {"z": True, "y": False, "x": {}}, "list": []},
    [{"k": 3}, "N/A", 0, -7, 96.77],
]


def test_same_values_and_key_order_when_read_back() -> None:
    for text, sample in zip(json_texts(SAMPLES), SAMPLES, strict=True):
        back = json.loads(text)
        assert back == json.loads(json_text(sample)) == sample
        assert json.dumps(back, ensure_ascii=False) == json.dumps(sample, ensure_ascii=False)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_fail(bad: float) -> None:
    with pytest.raises(ValueError):
        json_texts([{"score": None, "total": bad}])


def test_non_string_keys_fail() -> None:
    with pytest.raises(ValueError):
        json_texts([{1: "a"}])
