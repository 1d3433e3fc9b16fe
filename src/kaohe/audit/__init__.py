"""Audit trail: who did what to which plan, and when. Every service writes one record."""
