"""The demo county 青山县: a realistic year of assessments to try kaohe on (docs/demo.md)."""

from kaohe.demo.generate import demo_documents
from kaohe.demo.summary import demo_summary

__all__ = ["demo_documents", "demo_summary"]
