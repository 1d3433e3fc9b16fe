from django.contrib import admin

from kaohe.org.models import Person, Team, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "category")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "unit")
    list_select_related = ("unit",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "position", "role")
    list_filter = ("role",)
    search_fields = ("code", "name")
    list_select_related = ("unit",)
