from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hackathon.admin_history import ReasonForm, RecordedAdmin
from participants.certificates import issue_certificate, qualifies, revoke_certificates
from participants.models import Certificate, Participant
from tasks.stats import annotate_completed_count


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
class ParticipantAdmin(RecordedAdmin):
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
        return annotate_completed_count(super().get_queryset(request))

    @admin.display(description=_("pieces of work completed"), ordering="completed_count")
    def works_completed(self, participant):
        return participant.completed_count


class CertificateStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", _("Valid")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class CertificateForm(ReasonForm):
    class Meta:
        model = Certificate
        fields = ["participant", "track", "issued_on", "revoked_at", "revocation_reason"]

    def clean(self):
        cleaned = super().clean()
        participant, track = cleaned.get("participant"), cleaned.get("track")
        if self.instance.pk is None and participant and track and not qualifies(participant, track):
            raise ValidationError(
                _("%(login)s completed no work in %(track)s: there is nothing to certify.")
                % {"login": participant.login, "track": track}
            )
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown on the certificate's public page."),
    )


@admin.register(Certificate)
class CertificateAdmin(RecordedAdmin):
    form = CertificateForm
    list_display = ["serial", "participant", "edition", "track_name", "issued_on", "valid"]
    list_filter = ["track__edition", "track__kind", CertificateStateFilter]
    list_select_related = ["participant", "track__edition"]
    search_fields = ["serial", "participant__login"]
    autocomplete_fields = ["participant", "track"]
    date_hierarchy = "issued_on"
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["participant", "track", "issued_on"]
        return [
            "serial",
            "participant",
            "track",
            "issued_on",
            "revoked_at",
            "revocation_reason",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A certificate names its holder and track for good; it is revoked, not rewritten.
        return ["serial", "participant", "track", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, created = issue_certificate(obj.participant, obj.track, obj.issued_on)
        obj.pk, obj.serial, obj.issued_on = issued.pk, issued.serial, issued.issued_on
        obj.issued_before = not created

    def response_add(self, request, obj, post_url_continue=None):
        if not getattr(obj, "issued_before", False):
            return super().response_add(request, obj, post_url_continue)
        # Issued while the organizer filled the form (a bulk issue, another organizer): the
        # form's check of one certificate per person and track could not see it.
        self.message_user(
            request,
            _("%(login)s already has a certificate for %(track)s: %(serial)s. Nothing was issued.")
            % {"login": obj.participant.login, "track": obj.track, "serial": obj.serial},
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:participants_certificate_change", args=[obj.pk]))

    @admin.display(description=_("edition"), ordering="track__edition__number")
    def edition(self, certificate):
        return certificate.track.edition.name

    @admin.display(description=_("track"), ordering="track__name")
    def track_name(self, certificate):
        return certificate.track.name

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def valid(self, certificate):
        return certificate.is_valid

    @admin.action(description=_("Revoke the selected certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        """Asks for the reason on a page of its own, then revokes the valid ones."""
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = revoke_certificates(queryset, form.cleaned_data["reason"], user=request.user)
            self.message_user(
                request,
                ngettext("%d certificate revoked.", "%d certificates revoked.", count) % count,
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/participants/certificate/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Revoke certificates"),
                "opts": self.model._meta,
                "form": form,
                "certificates": queryset.select_related("participant", "track__edition"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )
