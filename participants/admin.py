from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from tasks.choices import WorkStatus
from tasks.models import Contribution


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
        # A subquery rather than Count() over a join: no GROUP BY, whose rows would come
        # unordered to the autocomplete.
        completed = (
            Contribution.objects.filter(
                participant=OuterRef("pk"),
                work__status=WorkStatus.COMPLETED,
                work__task__withdrawn=False,
            )
            .order_by()
            .values("participant")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super().get_queryset(request).annotate(completed_count=Coalesce(Subquery(completed), 0))
        )

    @admin.display(description=_("pieces of work completed"), ordering="completed_count")
    def works_completed(self, participant):
        return participant.completed_count
