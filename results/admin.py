from django.contrib import admin

from results.models import ResultsVersion


@admin.register(ResultsVersion)
class ResultsVersionAdmin(admin.ModelAdmin):
    """Published versions are records: they are created by publishing, never edited."""

    list_display = ["edition", "number", "state", "published_at", "published_by", "note"]
    list_filter = ["state", "edition"]
    list_select_related = ["edition", "published_by"]
    fields = ["edition", "number", "state", "published_at", "published_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
