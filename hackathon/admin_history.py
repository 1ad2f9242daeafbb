"""The admin side of the results' history (hackathon/history.py): each change form asks why, and
once an edition's results are final it requires the answer; the History button lists every change
of a record with who, when, what moved and why (django-simple-history's pages)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin

from hackathon.history import change_reason, final_results_changed
from hackathon.models import ResultsState

REASON = "change_reason"


class ReasonForm(forms.ModelForm):
    """A model form with the organizer's reason for the change (not a model field)."""

    reason_required = False

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Kept in the record's history with who changed what, e.g. “objection #3 accepted”. "
            "Required once the edition's results are final."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if REASON in self.fields:
            self.fields[REASON].required = self.reason_required


class RecordedAdmin(SimpleHistoryAdmin):
    """A model admin whose changes carry the organizer's reason into the history."""

    form = ReasonForm

    def edition_of(self, obj):
        """The edition whose results the record is part of (None: no reason is ever required)."""
        return None

    def reason_required(self, obj):
        edition = self.edition_of(obj) if obj is not None else None
        return edition is not None and edition.results_state() == ResultsState.FINAL

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any(
            REASON in fields
            for _name, options in fieldsets
            for fields in [options.get("fields", ())]
        ):
            fieldsets.append((_("Why"), {"fields": [REASON]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.reason_required = self.reason_required(obj)
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the final version, a change makes a new (correction) version, with the reason
        # as its note (results/receivers.py).
        if self.reason_required(form.instance):
            reason = form.cleaned_data.get(REASON, "").strip() or _(
                "%(record)s changed in the admin"
            ) % {"record": form.instance}
            final_results_changed.send(
                sender=type(self),
                edition=self.edition_of(form.instance),
                reason=str(reason),
                user=request.user,
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Whatever the page saves (the record, its inlines, what their saves derive) is on the
        # record with the reason typed; the form refuses to save without one when it is required.
        reason = request.POST.get(REASON, "").strip() if request.method == "POST" else ""
        with change_reason(reason):
            return super().changeform_view(request, object_id, form_url, extra_context)


# The header of django-simple-history's "Changes" column, which its own catalogue leaves
# untranslated: translated in ours.
HISTORY_PAGE_WORDS = [gettext_noop("Changes")]
