"""Writes for results: publishing (公布) and withdrawing a plan's computed results.

Both are atomic, keyword-only and audited. Who may call them is decided by the views through
``kaohe.accounts.policy.can_publish_results``; the services only keep the state consistent.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kaohe.audit.services import audit_record
from kaohe.plans.models import Plan
from kaohe.results.models import Computation, Publication


class NotComputedError(Exception):
    """The plan has no results to publish yet."""

    def __init__(self, plan_code: str) -> None:
        super().__init__(f"考核方案 {plan_code} 尚未计算，不能公布结果")
        self.plan_code = plan_code


@transaction.atomic
def results_publish(*, plan_code: str, actor: str | None) -> Publication:
    """Publish the current results of ``plan_code``; publishing twice keeps the first record.

    Raises ``Plan.DoesNotExist`` for an unknown plan and ``NotComputedError`` when it has no
    results.
    """
    plan = Plan.objects.get(code=plan_code)
    computation = Computation.objects.select_for_update().filter(plan=plan).first()
    if computation is None:
        raise NotComputedError(plan_code)
    publication, created = Publication.objects.get_or_create(
        computation=computation,
        defaults={"published_at": timezone.now(), "published_by": actor or ""},
    )
    if created:
        audit_record(
            actor=actor,
            action="results_publish",
            plan=plan.code,
            detail={"computed_at": computation.computed_at.isoformat()},
        )
    return publication


@transaction.atomic
def results_unpublish(*, plan_code: str, actor: str | None) -> bool:
    """Withdraw the publication of ``plan_code``'s results; True if they were published.

    Raises ``Plan.DoesNotExist`` for an unknown plan.
    """
    plan = Plan.objects.get(code=plan_code)
    deleted, _ = Publication.objects.filter(computation__plan=plan).delete()
    if deleted:
        audit_record(actor=actor, action="results_unpublish", plan=plan.code)
    return bool(deleted)
