"""Admin for plans. Plans are loaded as whole documents (``kaohe load``), so the admin is for
looking, not editing: a hand edit here would bypass validation and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from kaohe.plans.models import Category, Indicator, Plan, PlanAssessee, Section


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ("order", "code", "name", "full_score")
    extra = 0
    can_delete = False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "year", "assessees", "loaded_at")
    search_fields = ("code", "name")
    inlines = (CategoryInline,)


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "points", "source", "category")
    list_select_related = ("category",)
    list_filter = ("plan",)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "points", "method", "assessor", "section")
    list_select_related = ("section",)
    list_filter = ("plan", "method")
    search_fields = ("code", "name")


@admin.register(PlanAssessee)
class PlanAssesseeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "category", "scale", "process")
    list_select_related = ("category",)
    list_filter = ("plan",)
    search_fields = ("code", "name")
