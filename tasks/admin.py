from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hackathon.admin_history import RecordedAdmin
from hackathon.history import change_reason
from tasks.choices import TaskProgress
from tasks.forms import ContributionFormSet, WorkInlineForm, WorkInlineFormSet
from tasks.models import Contribution, Direction, ImportJob, Task, Work, task_order
from tasks.stats import annotate_published_count, annotate_work_count
from tracks.models import Track

CONTRIBUTIONS_WITH_PEOPLE = Prefetch(
    "contributions", queryset=Contribution.objects.select_related("participant")
)


class ProgressFilter(admin.SimpleListFilter):
    title = _("progress")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in TaskProgress.choices]

    def queryset(self, request, queryset):
        if self.value() in {str(value) for value in TaskProgress.values}:
            return queryset.filter(progress=int(self.value()))
        return queryset


def set_withdrawn(tasks, withdrawn):
    """Withdraw or restore tasks; returns how many changed.

    Saved one by one rather than with update(), so that post_save receivers (the cached figures'
    invalidation) hear of each change.
    """
    changed = tasks.exclude(withdrawn=withdrawn).order_by()
    count = 0
    for task in changed:
        task.withdrawn = withdrawn
        task.save(update_fields=["withdrawn"])
        count += 1
    return count


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "order", "tasks_published"]
    list_editable = ["order"]
    search_fields = ["name", "name_en"]
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return annotate_published_count(super().get_queryset(request))

    @admin.display(description=_("tasks published"), ordering="published_count")
    def tasks_published(self, direction):
        return direction.published_count


class WorkInline(admin.TabularInline):
    """The pieces of work on their task's page, contributors entered as logins."""

    model = Work
    form = WorkInlineForm
    formset = WorkInlineFormSet
    extra = 1
    show_change_link = True

    def get_fields(self, request, obj=None):
        # Returned here rather than set as ``fields``: "contributors" is the form's list of logins,
        # not the model's many-to-many relation (which goes through Contribution rows).
        return [
            "status",
            "team",
            "contributors",
            "grade",
            "awarded_stars",
            "payer",
            "reward",
            "submitted_on",
            "completed_on",
            "pr_urls",
            "notes",
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("task")
            # The form's initial logins and model_to_dict() read the prefetched contributors.
            .prefetch_related("contributors")
        )


@admin.register(Task)
class TaskAdmin(RecordedAdmin):
    list_display = [
        "code",
        "title",
        "track_name",
        "batch",
        "direction",
        "stars",
        "withdrawn",
        "works",
        "progress",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "track__edition",
        "track__kind",
        "direction",
        ProgressFilter,
        "withdrawn",
        "batch",
    ]
    list_select_related = ["track__edition", "direction"]

    def lookup_allowed(self, lookup, value, request=None):
        # One track's tasks: the data-quality report links to them (participants/quality.py).
        return lookup == "track__id__exact" or super().lookup_allowed(lookup, value, request)

    search_fields = [
        "code",
        "title",
        "mentors__login",
        "works__team",
        "works__contributions__participant__login",
    ]
    autocomplete_fields = ["track", "direction", "mentors"]
    ordering = ["-track__edition__number", *task_order()]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "track",
                    "batch",
                    "code",
                    "title",
                    "direction",
                    "stars",
                    "stars_up_to",
                    "open_call",
                ]
            },
        ),
        (_("Details"), {"fields": ["issue_url", "mentors", "description"]}),
        (_("Withdrawal"), {"fields": ["withdrawn"]}),
    ]
    inlines = [WorkInline]
    actions = ["withdraw", "restore"]

    def edition_of(self, task):
        return task.track.edition

    def get_queryset(self, request):
        # The edition with the task: its change form asks whether its results are final. (A
        # queryset that selects related rows makes the list ignore list_select_related.) The
        # count is a subquery: searching logins joins pieces of work and people, which would
        # multiply the rows a Count() over a join counts.
        queryset = super().get_queryset(request).select_related(*self.list_select_related)
        return annotate_work_count(queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "track":
            # A track's name includes its edition's.
            kwargs["queryset"] = Track.objects.select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("track"), ordering="track")
    def track_name(self, task):
        return str(task.track)

    @admin.display(description=_("pieces of work"), ordering="work_count")
    def works(self, task):
        url = reverse("admin:tasks_work_changelist")
        return format_html('<a href="{}?task__id__exact={}">{}</a>', url, task.pk, task.work_count)

    @admin.display(description=_("progress"), ordering="progress")
    def progress(self, task):
        return TaskProgress(task.progress).label

    @admin.action(description=_("Withdraw the selected tasks"), permissions=["change"])
    def withdraw(self, request, queryset):
        with change_reason(_("withdrawn with the admin's action")):
            updated = set_withdrawn(queryset, True)
        self.message_user(
            request,
            ngettext(
                "%d task withdrawn: it leaves every figure.",
                "%d tasks withdrawn: they leave every figure.",
                updated,
            )
            % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore the selected tasks"), permissions=["change"])
    def restore(self, request, queryset):
        with change_reason(_("restored with the admin's action")):
            updated = set_withdrawn(queryset, False)
        self.message_user(
            request,
            ngettext("%d task restored.", "%d tasks restored.", updated) % updated,
            messages.SUCCESS,
        )


class ContributionInline(admin.TabularInline):
    model = Contribution
    formset = ContributionFormSet
    fields = ["participant", "reward_share"]
    autocomplete_fields = ["participant"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "work__task")


@admin.register(Work)
class WorkAdmin(RecordedAdmin):
    list_display = [
        "task",
        "edition",
        "status",
        "team",
        "contributor_logins",
        "grade",
        "completed_on",
    ]
    list_display_links = ["task"]
    list_filter = ["status", "grade", "task__track__kind", "task__track__edition"]

    def lookup_allowed(self, lookup, value, request=None):
        # One track's work: the data-quality report links to it (participants/quality.py).
        return lookup in ("task__track__id__exact", "task__withdrawn__exact") or (
            super().lookup_allowed(lookup, value, request)
        )

    list_select_related = ["task__track__edition"]
    search_fields = [
        "team",
        "contributions__participant__login",
        "task__code",
        "task__title",
    ]
    autocomplete_fields = ["task"]
    ordering = ["-task__track__edition__number", "task__track__order", "task__position", "id"]
    fields = [
        "task",
        "status",
        "team",
        "grade",
        "awarded_stars",
        "awarded_reason",
        "payer",
        "reward",
        "submitted_on",
        "completed_on",
        "pr_urls",
        "notes",
        "identity",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["identity", "created_at", "updated_at"]
    inlines = [ContributionInline]

    def edition_of(self, work):
        return work.task.track.edition

    def get_queryset(self, request):
        # The edition with the work: its change form asks whether its results are final.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .prefetch_related(CONTRIBUTIONS_WITH_PEOPLE)
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_identity()

    @admin.display(description=_("edition"), ordering="task__track__edition__number")
    def edition(self, work):
        return work.task.track.edition

    @admin.display(description=_("contributors"))
    def contributor_logins(self, work):
        return "; ".join(c.participant.login for c in work.contributions.all())


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The background imports an organizer started (large files from an edition's import page):
    where to find one again after leaving its page. Jobs are made by uploads, never by hand."""

    list_display = ["filename", "edition", "kind", "state", "created_at", "finished_at", "page"]
    list_filter = ["state", "dry_run", "edition"]
    list_select_related = ["edition"]
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        # Whoever may import: the page of a job is its organizer's (hackathon/admin.py).
        return request.user.has_perms(["tasks.add_task", "tasks.change_work"])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(created_by=request.user)

    @admin.display(description=_("kind"), ordering="dry_run")
    def kind(self, job):
        return _("preview") if job.dry_run else _("import")

    @admin.display(description=_("page"))
    def page(self, job):
        url = reverse("admin:hackathon_edition_import_job", args=[job.edition_id, job.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open"))
