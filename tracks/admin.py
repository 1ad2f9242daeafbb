from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tasks.stats import annotate_published_count
from tasks.today import changes_today, start_of_today
from tracks.choices import TrackKind
from tracks.models import AnnouncedFigure, Milestone, Track


class TrackForm(forms.ModelForm):
    """A track whose slug, left empty, is its kind (standard tracks) or made from its name."""

    class Meta:
        model = Track
        fields = [
            "edition",
            "kind",
            "name",
            "name_en",
            "slug",
            "order",
            "tracking_issue_url",
            "pr_title_prefix",
            "rfc_repositories",
            "repositories",
            "payer",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Used in URLs. Left empty: the kind for the three standard tracks, else made from "
                "the name."
            )

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in self.fields and not cleaned_data.get("slug"):
            kind, name = cleaned_data.get("kind"), cleaned_data.get("name", "")
            if kind and kind != TrackKind.OTHER:
                cleaned_data["slug"] = kind
            elif kind and slugify(name, allow_unicode=True):
                cleaned_data["slug"] = slugify(name, allow_unicode=True)[:100]
            elif kind:
                self.add_error("slug", _("Enter a slug: it cannot be made from this name."))
        return cleaned_data


class TrackInline(admin.TabularInline):
    """The tracks on their edition's page."""

    model = Track
    form = TrackForm
    # The rest (tracking issue, payer, description) on the track's own page: the row fits a screen.
    fields = ["kind", "name", "name_en", "slug", "order"]
    extra = 0
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        # A new edition usually has the three standard tracks.
        return 0 if obj else 3


class AnnouncedFigureInline(admin.TabularInline):
    """What the results post will say, on the edition's page: the data-quality report compares
    each figure with the one computed from the data."""

    model = AnnouncedFigure
    fields = ["track", "figure", "value"]
    extra = 0
    verbose_name_plural = _("Announced figures (what the results post will say)")

    def get_formset(self, request, obj=None, **kwargs):
        self.edition = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "track":  # one of the edition's tracks: no add/change/view icons
            field.widget.can_add_related = field.widget.can_change_related = False
            field.widget.can_view_related = False
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "track":
            edition = getattr(self, "edition", None)
            kwargs["queryset"] = (
                Track.objects.filter(edition=edition) if edition else Track.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["kind", "title", "held_on", "url"]
    extra = 0


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = ["name", "edition", "kind", "slug", "order", "tasks_published"]
    list_display_links = ["name"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition"]
    search_fields = ["name", "slug", "edition__name", "edition__slug"]
    ordering = ["-edition__number", "order", "id"]
    fields = [
        "edition",
        "kind",
        "name",
        "slug",
        "order",
        "tracking_issue_url",
        "payer",
        "description",
    ]
    inlines = [MilestoneInline]
    change_form_template = "admin/tracks/track/change_form.html"

    def get_urls(self):
        today = self.admin_site.admin_view(self.today_view)
        return [
            path("<path:object_id>/today/", today, name="tracks_track_today"),
            *super().get_urls(),
        ]

    def today_view(self, request, object_id):
        """What changed today in the track (the webhooks' work, the organizers' and imports'),
        from the history (tasks/today.py)."""
        track = get_object_or_404(Track.objects.select_related("edition"), pk=object_id)
        if not self.has_view_permission(request, track):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/tracks/track/today.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": track,
                "title": _("Changed today in %(track)s") % {"track": track},
                "changes": changes_today(track),
                "since": start_of_today(),
            },
        )

    def get_queryset(self, request):
        # The edition is part of a track's name (autocomplete lists it too).
        return annotate_published_count(super().get_queryset(request).select_related("edition"))

    @admin.display(description=_("tasks published"), ordering="published_count")
    def tasks_published(self, track):
        return track.published_count


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "title", "track"]
    list_filter = ["kind", "track__kind", "track__edition"]
    list_select_related = ["track__edition"]
    search_fields = ["title", "track__name", "track__edition__name"]
    autocomplete_fields = ["track"]
    ordering = ["-held_on", "id"]
    fields = ["track", "kind", "title", "held_on", "url"]
