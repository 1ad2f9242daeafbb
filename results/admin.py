from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from results.models import Objection, ObjectionOutcome, ResultsVersion
from results.objections import answer_objection


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


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    """Organizers answer objections here: the outcome and the public answer; saving an answer
    e-mails it to who filed the objection."""

    list_display = [
        "edition",
        "number",
        "subject",
        "subject_ref",
        "github_login",
        "outcome",
        "created_at",
        "answered_at",
    ]
    list_display_links = ["number"]
    list_filter = ["outcome", "subject", "edition"]
    list_select_related = ["edition"]
    search_fields = ["github_login", "name", "subject_ref", "reason"]
    # What the public filed is read only; the organizers write the answer.
    filed = [
        "edition",
        "number",
        "created_at",
        "name",
        "github_login",
        "email",
        "subject",
        "subject_ref",
        "reason",
        "links",
    ]
    fieldsets = [
        (_("Filed"), {"fields": filed}),
        (_("Answer"), {"fields": ["outcome", "answer", "answered_at"]}),
    ]
    readonly_fields = [*filed, "answered_at"]

    def has_add_permission(self, request):
        return False  # objections are filed by the public, on the site

    def save_model(self, request, obj, form, change):
        answered = obj.outcome != ObjectionOutcome.OPEN and (
            "outcome" in form.changed_data or "answer" in form.changed_data
        )
        if answered:
            answer_objection(obj, obj.outcome, obj.answer)
            self.message_user(
                request,
                _("The answer was e-mailed to %(email)s.") % {"email": obj.email},
                messages.SUCCESS,
            )
        else:
            super().save_model(request, obj, form, change)
