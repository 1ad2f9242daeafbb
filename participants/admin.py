from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from tasks.choices import WorkStatus


class PFCCMemberFilter(admin.SimpleListFilter):
    title = _("PFCC member")
    parameter_name = "pfcc"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pfcc_member_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(pfcc_member_since__isnull=True)
        return queryset


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["login", "name", "affiliation", "pfcc_member_since", "works_completed"]
    list_filter = [PFCCMemberFilter]
    search_fields = ["login", "name", "affiliation", "email"]
    fields = [
        "login",
        "name",
        "affiliation",
        "email",
        "pfcc_member_since",
        "avatar",
        "notes",
        "created_at",
    ]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        completed = Q(
            contributions__work__status=WorkStatus.COMPLETED,
            contributions__work__task__withdrawn=False,
        )
        return (
            super()
            .get_queryset(request)
            .annotate(completed_count=Count("contributions", filter=completed))
        )

    @admin.display(description=_("pieces of work completed"), ordering="completed_count")
    def works_completed(self, participant):
        return participant.completed_count
