from __future__ import annotations

from django.contrib import admin

from kaohe.plans.admin import ReadOnlyAdmin
from kaohe.results.models import AssesseeResult, Computation


@admin.register(Computation)
class ComputationAdmin(ReadOnlyAdmin):
    list_display = ("plan", "computed_at", "engine_version")
    list_select_related = ("plan",)


@admin.register(AssesseeResult)
class AssesseeResultAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "category", "rank", "total", "grade", "plan")
    list_select_related = ("plan",)
    list_filter = ("plan", "category", "grade")
    search_fields = ("code", "name")
    exclude = ("explanation",)
