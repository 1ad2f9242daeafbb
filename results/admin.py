from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from results.disqualify import disqualify
from results.models import Objection, ObjectionOutcome, ResultsVersion
from results.objections import answer_objection
from tasks.models import Work


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


class DisqualifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the disqualification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Public: it is the note of the version published with the change, and the reason on "
            "revoked certificates (e.g. “copied from PR #68000”)."
        ),
    )


@admin.action(description=_("Disqualify the selected pieces of work"), permissions=["change"])
def disqualify_works(modeladmin, request, queryset):
    """Asks for the reason on a page of its own, then disqualifies (results/disqualify.py)."""
    form = DisqualifyForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        done = disqualify(queryset, form.cleaned_data["reason"], user=request.user)
        modeladmin.message_user(
            request,
            _(
                "%(works)d disqualified, %(certificates)d certificates revoked, "
                "%(versions)d versions published."
            )
            % {
                "works": done.works,
                "certificates": done.certificates_revoked,
                "versions": len(done.versions),
            },
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/tasks/work/disqualify.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Disqualify pieces of work"),
            "opts": modeladmin.model._meta,
            "form": form,
            "works": queryset.select_related("task__track__edition").prefetch_related(
                "contributions__participant"
            ),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        },
    )


# The action sits with the pieces of work (tasks' admin) but lives here, above the certificates
# and versions it changes.
work_admin = admin.site.get_model_admin(Work)
work_admin.actions = [*(work_admin.actions or ()), disqualify_works]
