"""Stored results of a plan's computation: per assessee, per category, diagnostics, worst votes."""
