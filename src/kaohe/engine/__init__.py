"""The scoring engine (scoring.md): typed dataclasses in, `Results` out. No Django import."""

from kaohe.engine.model import (
    NA,
    Assessee,
    Category,
    Document,
    Evaluation,
    Event,
    Grade,
    Group,
    Indicator,
    Organization,
    Person,
    Plan,
    Section,
    Unit,
    VetoItem,
)
from kaohe.engine.results import AssesseeResult, EvaluationResult, Results
from kaohe.engine.score import score

__all__ = [
    "NA",
    "Assessee",
    "AssesseeResult",
    "Category",
    "Document",
    "Evaluation",
    "EvaluationResult",
    "Event",
    "Grade",
    "Group",
    "Indicator",
    "Organization",
    "Person",
    "Plan",
    "Results",
    "Section",
    "Unit",
    "VetoItem",
    "score",
]
