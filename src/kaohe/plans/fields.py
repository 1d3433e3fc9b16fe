"""A JSON column that keeps key order on every database.

PostgreSQL's ``jsonb`` (Django's ``JSONField``) re-orders object keys, but the results JSON, an
evaluation's options and an indicator's grades are printed in their declared order, and
``kaohe score`` and ``load`` + ``compute`` + ``results`` must print identical bytes. So these
columns hold JSON text written by ``json.dumps`` and read back by ``json.loads``, which keep
order; floats survive exactly (``repr`` round-trips).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class OrderedJSONField(models.TextField):
    description = "JSON text that preserves key order"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
