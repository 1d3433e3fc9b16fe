"""The one way to write an audit record; called by every other service inside its transaction."""

from __future__ import annotations

from typing import Any

from kaohe.audit.models import AuditRecord

SYSTEM_ACTOR = "system"


def audit_record(
    *, actor: str | None, action: str, plan: str = "", detail: dict[str, Any] | None = None
) -> AuditRecord:
    return AuditRecord.objects.create(
        actor=actor or SYSTEM_ACTOR, action=action, plan=plan, detail=detail or {}
    )
