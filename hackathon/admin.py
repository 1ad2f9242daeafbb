from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hackathon.models import Edition, ResultsState
from tasks.stats import edition_figures, editions_figures
from tracks.admin import TrackInline


def set_public(editions, public):
    """Publish or unpublish editions; returns how many changed.

    Saved one by one rather than with update(), so that ``updated_at`` moves and post_save
    receivers hear of each change.
    """
    count = 0
    for edition in editions.exclude(is_public=public).order_by():
        edition.is_public = public
        edition.save(update_fields=["is_public", "updated_at"])
        count += 1
    return count


class EditionChangeList(ChangeList):
    """The editions' list, with the figures of the whole page read in one query."""

    def get_results(self, request):
        super().get_results(request)
        figures = editions_figures(self.result_list)
        for edition in self.result_list:
            edition.figures = figures[edition.pk]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "slug",
        "starts_on",
        "results_state",
        "is_public",
        "tasks_published",
        "tasks_completed",
        "completion_rate",
        "developers_completed",
    ]
    list_display_links = ["number", "name"]
    list_filter = ["is_public"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["number"]}
    readonly_fields = ["figures", "created_at", "updated_at"]
    fieldsets = [
        (_("Identity"), {"fields": ["number", "name", "slug", "description", "banner"]}),
        (
            _("Dates and objection window"),
            {
                "fields": [
                    "starts_on",
                    "ends_on",
                    "results_published_at",
                    "objections_close_at",
                    "objections_reviewed_by",
                    "objections_contact",
                ]
            },
        ),
        (_("Rewards"), {"fields": ["yuan_per_star"]}),
        (_("Publication"), {"fields": ["is_public", "figures", "created_at", "updated_at"]}),
    ]
    inlines = [TrackInline]
    actions = ["make_public", "make_draft"]

    def get_changelist(self, request, **kwargs):
        return EditionChangeList

    @admin.display(description=_("results"), ordering="results_published_at")
    def results_state(self, edition):
        return ResultsState(edition.results_state()).label

    @admin.display(description=_("tasks published"))
    def tasks_published(self, edition):
        return edition.figures.tasks_published

    @admin.display(description=_("tasks completed"))
    def tasks_completed(self, edition):
        return edition.figures.tasks_completed

    @admin.display(description=_("completion rate"))
    def completion_rate(self, edition):
        return f"{edition.figures.completion_percent}%"

    @admin.display(description=_("developers completed"))
    def developers_completed(self, edition):
        return edition.figures.developers_completed

    @admin.display(description=_("figures"))
    def figures(self, edition):
        if edition.pk is None:
            return "—"
        figures = edition_figures(edition)
        return _(
            "%(published)d tasks published, %(submitted)d submitted (%(submission)d%%), "
            "%(completed)d completed (%(completion)d%%); %(participants)d participants, "
            "%(developers)d developers completed."
        ) % {
            "published": figures.tasks_published,
            "submitted": figures.tasks_submitted,
            "submission": figures.submission_percent,
            "completed": figures.tasks_completed,
            "completion": figures.completion_percent,
            "participants": figures.participants,
            "developers": figures.developers_completed,
        }

    @admin.action(description=_("Make the selected editions public"), permissions=["change"])
    def make_public(self, request, queryset):
        updated = set_public(queryset, True)
        self.message_user(
            request,
            ngettext("%d edition is public now.", "%d editions are public now.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Make the selected editions drafts"), permissions=["change"])
    def make_draft(self, request, queryset):
        updated = set_public(queryset, False)
        self.message_user(
            request,
            ngettext("%d edition is a draft now.", "%d editions are drafts now.", updated)
            % updated,
            messages.SUCCESS,
        )
