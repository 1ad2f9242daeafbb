from django.contrib import admin

from github_sync.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """What each GitHub delivery did: unknown task numbers and the like are outcomes to read."""

    list_display = ["received_at", "event", "action", "state", "outcome", "delivery_id"]
    list_filter = ["state", "event", "action"]
    search_fields = ["delivery_id", "outcome"]
    readonly_fields = [
        "delivery_id",
        "event",
        "action",
        "state",
        "outcome",
        "received_at",
        "processed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
