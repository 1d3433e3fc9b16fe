"""Admin for evaluations. Ballots and marks are deliberately not shown: who marked what on one
ballot is the voter's secret, and the pages only ever show aggregates."""

from __future__ import annotations

from django.contrib import admin

from kaohe.evaluation.models import Evaluation, RaterGroup
from kaohe.plans.admin import ReadOnlyAdmin


class RaterGroupInline(admin.TabularInline):
    model = RaterGroup
    fields = ("order", "code", "name", "weight", "trim", "min_ballots")
    extra = 0
    can_delete = False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "form", "plan")
    list_select_related = ("plan",)
    list_filter = ("kind", "plan")
    inlines = (RaterGroupInline,)
