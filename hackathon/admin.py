from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from github_sync import sync
from github_sync.forms import SyncForm
from github_sync.models import SyncRun
from hackathon import admin_import as imports
from hackathon.admin_history import RecordedAdmin
from hackathon.exports import ORGANIZER_FORMATS, XLSX_TYPE, export_response, format_or_404
from hackathon.models import Edition, ResultsState
from participants.certificates import issue_certificates
from participants.exports import certificate_header, certificate_rows
from participants.payouts import PAYOUT_HEADER, payer_totals, payouts_for
from participants.quality import report as quality_report
from results.models import Objection
from results.versions import PublishRefused, publish
from tasks import import_format
from tasks.importing import KIND_LABELS, ImportRejected
from tasks.models import ImportJob
from tasks.stats import edition_figures, editions_figures
from tracks.admin import AnnouncedFigureInline, TrackInline


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


# The admin names the product, not the framework, in both languages.
admin.site.site_header = _("Hackathon results administration")
admin.site.site_title = _("Hackathon results")
admin.site.index_title = _("Editions, tasks and results")


class EditionChangeList(ChangeList):
    """The editions' list, with the figures of the whole page read in one query."""

    def get_results(self, request):
        super().get_results(request)
        figures = editions_figures(self.result_list)
        for edition in self.result_list:
            edition.figures = figures[edition.pk]


@admin.register(Edition)
class EditionAdmin(RecordedAdmin):
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
        (
            _("Identity"),
            {"fields": ["number", "name", "name_en", "slug", "description", "banner"]},
        ),
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
        (_("Rewards"), {"fields": ["yuan_per_star", "reward_cap"]}),
        (_("Honour"), {"fields": ["honour_name", "honour_name_en", "honour_count"]}),
        (_("Publication"), {"fields": ["is_public", "figures", "created_at", "updated_at"]}),
    ]
    inlines = [TrackInline, AnnouncedFigureInline]
    actions = [
        "make_public",
        "make_draft",
        "publish_provisional_results",
        "publish_final_results",
        "issue_certificates",
        "export_certificates_csv",
        "export_certificates_xlsx",
    ]
    change_form_template = "admin/hackathon/edition/change_form.html"

    def edition_of(self, edition):
        return edition

    def get_changelist(self, request, **kwargs):
        return EditionChangeList

    def get_urls(self):
        export = self.admin_site.admin_view(self.certificates_export_view)
        import_view = self.admin_site.admin_view(self.import_view)
        payouts = self.admin_site.admin_view(self.payouts_view)
        quality = self.admin_site.admin_view(self.quality_view)
        payouts_export = self.admin_site.admin_view(self.payouts_export_view)
        return [
            path("<path:object_id>/payouts/", payouts, name="hackathon_edition_payouts"),
            path("<path:object_id>/quality/", quality, name="hackathon_edition_quality"),
            path(
                "<path:object_id>/payouts.<str:format>",
                payouts_export,
                name="hackathon_edition_payouts_export",
            ),
            path("<path:object_id>/import/", import_view, name="hackathon_edition_import"),
            path(
                "import-example.<str:format>",
                self.admin_site.admin_view(self.import_example_view),
                name="hackathon_edition_import_example",
            ),
            path(
                "<path:object_id>/issue-certificates/",
                self.admin_site.admin_view(self.issue_view),
                name="hackathon_edition_issue",
            ),
            path(
                "<path:object_id>/import/jobs/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="hackathon_edition_import_job",
            ),
            path(
                "<path:object_id>/certificates.<str:format>",
                export,
                name="hackathon_edition_certificates_export",
            ),
            path(
                "<path:object_id>/github-sync/",
                self.admin_site.admin_view(self.github_sync_view),
                name="hackathon_edition_github_sync",
            ),
            path(
                "<path:object_id>/github-sync/<int:run_id>/",
                self.admin_site.admin_view(self.github_sync_run_view),
                name="hackathon_edition_github_sync_run",
            ),
            *super().get_urls(),
        ]

    def has_export_certificates_permission(self, request):
        return request.user.has_perm("participants.view_certificate")

    def certificates_export(self, edition, format):
        """The organizers' certificates list of the edition (with the e-mails), streamed."""
        rows = certificate_rows(edition, with_email=True)
        header = certificate_header(with_email=True)
        return export_response(format, header, rows, f"certificates-{edition.slug}")

    def certificates_export_view(self, request, object_id, format):
        format_or_404(format, ORGANIZER_FORMATS)
        if not self.has_export_certificates_permission(request):
            raise PermissionDenied
        return self.certificates_export(get_object_or_404(Edition, pk=object_id), format)

    def has_payouts_permission(self, request):
        return request.user.has_perms(["hackathon.view_edition", "tasks.view_work"])

    def edition_page(self, request, edition, template, title, **context):
        """One of the edition's own admin pages (templates/admin/hackathon/edition/page.html)."""
        return TemplateResponse(
            request,
            f"admin/hackathon/edition/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": edition,
                "title": title % {"edition": edition.name},
                **context,
            },
        )

    def payouts_view(self, request, object_id):
        """What each person is paid and by whom, with each payer's total at the top."""
        if not self.has_payouts_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        payouts = payouts_for(edition)
        return self.edition_page(
            request,
            edition,
            "payouts.html",
            _("Payouts of %(edition)s"),
            payouts=payouts,
            totals=payer_totals(payouts),
        )

    def quality_view(self, request, object_id):
        """The data-quality report: what to look at before publishing, with links to fix it."""
        if not self.has_payouts_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        return self.edition_page(
            request,
            edition,
            "quality.html",
            _("Data quality of %(edition)s"),
            findings=quality_report(edition),
        )

    def payouts_export_view(self, request, object_id, format):
        format_or_404(format, ORGANIZER_FORMATS)
        if not self.has_payouts_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        rows = (payout.row() for payout in payouts_for(edition))
        return export_response(format, PAYOUT_HEADER, rows, f"payouts-{edition.slug}")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["open_objections"] = (
            Objection.objects.open().filter(edition=obj).count() if obj is not None else 0
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_see_payouts": self.has_payouts_permission(request),
            "can_export_certificates": self.has_export_certificates_permission(request),
            "can_import": self.has_import_permission(request),
            "can_issue_certificates": self.has_issue_certificates_permission(request),
            "can_sync_github": self.has_sync_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        # "Save and import": a new edition's next step is its file.
        if "_import" in request.POST and self.has_import_permission(request):
            self.message_user(
                request,
                _("The edition %(edition)s was added.") % {"edition": obj},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:hackathon_edition_import", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def issue_view(self, request, object_id):
        """Issue the edition's certificates from its page, after a confirmation that says what
        state its results are in (and warns for a draft or results not yet published)."""
        if not self.has_issue_certificates_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        if request.method == "POST":
            self.issue(request, edition)
            return redirect(reverse("admin:hackathon_edition_change", args=[edition.pk]))
        state = edition.results_state()
        warnings = []
        if not edition.is_public:
            warnings.append(
                _("This edition is a draft: its certificates stay hidden until it is public.")
            )
        if state == ResultsState.IN_PROGRESS:
            warnings.append(
                _(
                    "Its results are not published yet: certificates issued now certify the work "
                    "completed so far, and are dated today."
                )
            )
        elif state == ResultsState.PROVISIONAL:
            warnings.append(
                _(
                    "Its results are provisional: objections are still open, and an accepted one "
                    "may revoke a certificate issued now."
                )
            )
        return self.edition_page(
            request,
            edition,
            "issue.html",
            _("Issue certificates for %(edition)s"),
            state=ResultsState(state).label,
            warnings=warnings,
        )

    def has_sync_permission(self, request):
        """Who may reconcile with GitHub: who may write pieces of work (what a sync writes)."""
        return request.user.has_perms(["tasks.add_work", "tasks.change_work"])

    def github_sync_view(self, request, object_id):
        """The edition's reconciliations with GitHub: a form that starts one in the
        background, and the runs so far (github_sync/sync.py)."""
        if not self.has_sync_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        tracks = edition.tracks.exclude(pr_title_prefix="", tracking_issue_url="")
        form = SyncForm(request.POST if request.method == "POST" else None, tracks=tracks)
        if request.method == "POST" and form.is_valid():
            try:
                run = sync.start(
                    edition,
                    form.cleaned_data["track"] or None,
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
            except sync.SyncRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                return redirect(sync_run_url(edition, run))
        runs = SyncRun.objects.filter(edition=edition).select_related("track", "created_by")
        return self.edition_page(
            request,
            edition,
            "github_sync.html",
            _("Sync %(edition)s with GitHub"),
            form=form,
            tracks=tracks,
            runs=runs[:50],
            token_set=bool(settings.GITHUB_TOKEN),
        )

    def github_sync_run_view(self, request, object_id, run_id):
        """A run's page: its progress while it runs (the page reloads itself), then its counts,
        the lines of what it changed and what to look at, or why it stopped."""
        if not self.has_sync_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        run = get_object_or_404(
            SyncRun.objects.select_related("track", "created_by"), pk=run_id, edition=edition
        )
        return self.edition_page(
            request,
            edition,
            "github_sync_run.html",
            # edition_page fills in the edition.
            _("GitHub sync run %(run)d of %%(edition)s") % {"run": run.pk},
            run=run,
            lines=[sync.line_parts(line) for line in run.lines],
            summary=sync.summary(run),
            refresh_seconds=None if run.finished else 2,
        )

    def has_import_permission(self, request):
        return request.user.has_perms(["tasks.add_task", "tasks.change_work"])

    def import_view(self, request, object_id):
        """Import a file of tasks and results: a preview (a dry run), then the real import."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=object_id)
        if request.method == "POST" and "token" in request.POST:
            return self.import_confirm(request, edition, request.POST["token"])
        if request.method == "POST" and "job" in request.POST:
            return self.import_job_confirm(request, edition, request.POST["job"])
        if request.method != "POST":
            return self.import_page(request, edition, form=imports.ImportForm())
        form = imports.ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.import_page(request, edition, form=form)
        filename, data, size = form.source()
        options = form.options()
        if imports.in_background(size):
            job = imports.start_job(request, edition, filename, options, data=data)
            return redirect(job_url(edition, job))
        try:
            report = imports.run_import(
                data, filename, edition, options, dry_run=True, user=request.user
            )
        except ImportRejected as rejection:
            return self.import_page(request, edition, form=form, rejection=rejection)
        token = imports.stage(request, edition, filename, data, options)
        return self.import_page(request, edition, report=report, token=token, filename=filename)

    def import_confirm(self, request, edition, token):
        staged = imports.staged_file(request, edition, token)
        if staged is None:
            refusal = _("This upload is unknown or has expired: upload the file again.")
            return self.import_page(request, edition, form=imports.ImportForm(), refusal=refusal)
        filename, data, options = staged
        imports.discard(request, token)
        try:
            report = imports.run_import(data, filename, edition, options, user=request.user)
        except ImportRejected as rejection:
            return self.import_page(
                request, edition, form=imports.ImportForm(), rejection=rejection
            )
        self.imported(request, edition, filename, report)
        return redirect(reverse("admin:hackathon_edition_change", args=[edition.pk]))

    def import_job_confirm(self, request, edition, job_id):
        """The organizer confirms a background preview: the import itself starts, once."""
        preview = self.own_job(request, edition, job_id)
        if not preview.dry_run or preview.state != ImportJob.State.DONE:
            raise Http404
        if "confirmed" not in preview.outcome:
            job = imports.start_job(
                request, edition, preview.filename, preview.options, staged=preview.staged
            )
            preview.outcome["confirmed"] = job.pk
            preview.save(update_fields=["outcome"])
        return redirect(
            reverse(
                "admin:hackathon_edition_import_job",
                args=[edition.pk, preview.outcome["confirmed"]],
            )
        )

    def own_job(self, request, edition, job_id):
        """One of this organizer's import jobs for the edition, or a 404."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if not str(job_id).isascii() or not str(job_id).isdigit() or len(str(job_id)) > 18:
            raise Http404
        return get_object_or_404(
            ImportJob, pk=int(job_id), edition=edition, created_by=request.user
        )

    def import_job_view(self, request, object_id, job_id):
        """A background import's page: its progress while it runs (the page reloads itself),
        then the preview to confirm, the file's errors, or the import's outcome."""
        edition = get_object_or_404(Edition, pk=object_id)
        job = self.own_job(request, edition, job_id)
        if job.state == ImportJob.State.REJECTED:
            rejection = imports.job_rejection(job)
            return self.import_page(
                request, edition, form=imports.ImportForm(), rejection=rejection
            )
        if job.state == ImportJob.State.FAILED:
            return self.import_page(
                request, edition, form=imports.ImportForm(), refusal=job.outcome["message"]
            )
        if job.state == ImportJob.State.DONE and job.dry_run:
            return self.import_page(
                request, edition, report=imports.job_report(job), job=job, filename=job.filename
            )
        if job.state == ImportJob.State.DONE:
            self.imported(request, edition, job.filename, imports.job_report(job))
            return redirect(reverse("admin:hackathon_edition_change", args=[edition.pk]))
        progress = imports.job_progress(job) if job.state == ImportJob.State.RUNNING else None
        return TemplateResponse(
            request,
            "admin/hackathon/edition/import_job.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": edition,
                "title": _("Importing “%(file)s” into %(edition)s")
                % {"file": job.filename, "edition": edition.name},
                "job": job,
                "progress": progress,
                "refresh_seconds": 2,
            },
        )

    def import_example_view(self, request, format):
        """The import's example file, as CSV or as a workbook, for organizers to start from."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if format == "csv":
            data, content_type = import_format.example_csv(), "text/csv; charset=utf-8"
        elif format == "xlsx":
            data, content_type = import_format.example_xlsx(), XLSX_TYPE
        else:
            raise Http404
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{import_format.EXAMPLE_NAME}.{format}"
        )
        return response

    def imported(self, request, edition, filename, report):
        summary = " ".join(report.summary_lines(new_names=False))
        self.message_user(
            request,
            _("“%(file)s” imported into %(edition)s. %(summary)s")
            % {"file": filename, "edition": edition.name, "summary": summary},
            messages.SUCCESS,
        )

    def import_page(
        self, request, edition, *, form=None, rejection=None, report=None, refusal=None, **context
    ):
        opts = self.model._meta
        return TemplateResponse(
            request,
            "admin/hackathon/edition/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": opts,
                "original": edition,
                "title": _("Import tasks and results into %(edition)s") % {"edition": edition.name},
                "form": form,
                "rejection": rejection,
                "refusal": refusal,
                "errors": rejection.errors if rejection else [],
                "report": report,
                "import_columns": import_format.columns(),
                "import_words": import_format.accepted_words(),
                "counts": [(KIND_LABELS[kind], counts) for kind, counts in report.counts().items()]
                if report
                else [],
                "media": self.media,
                **context,
            },
        )

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

    def _export_one(self, request, queryset, format):
        editions = list(queryset[:2])
        if len(editions) != 1:
            self.message_user(
                request, _("Select one edition to export its certificates."), messages.WARNING
            )
            return None
        return self.certificates_export(editions[0], format)

    @admin.action(description=_("Export certificates (CSV)"), permissions=["export_certificates"])
    def export_certificates_csv(self, request, queryset):
        return self._export_one(request, queryset, "csv")

    @admin.action(description=_("Export certificates (XLSX)"), permissions=["export_certificates"])
    def export_certificates_xlsx(self, request, queryset):
        return self._export_one(request, queryset, "xlsx")

    @admin.action(
        description=_("Issue certificates for everybody who qualifies"),
        permissions=["issue_certificates"],
    )
    def issue_certificates(self, request, queryset):
        for edition in queryset.order_by("number"):
            self.issue(request, edition)

    def issue(self, request, edition):
        """Issue the edition's due certificates and say how many (the action, the page)."""
        issued = issue_certificates(edition)
        self.message_user(
            request,
            ngettext(
                "%(count)d certificate issued for %(edition)s.",
                "%(count)d certificates issued for %(edition)s.",
                len(issued),
            )
            % {"count": len(issued), "edition": edition.name},
            messages.SUCCESS,
        )

    def _publish(self, request, queryset, final):
        for edition in queryset.order_by("number"):
            try:
                version = publish(edition, final=final, user=request.user)
            except PublishRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                continue
            self.message_user(
                request,
                _("Published version %(number)d of %(edition)s (%(state)s).")
                % {
                    "number": version.number,
                    "edition": edition.name,
                    "state": version.get_state_display(),
                },
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Publish the results as they stand (provisional: objections open)"),
        permissions=["change"],
    )
    def publish_provisional_results(self, request, queryset):
        self._publish(request, queryset, final=False)

    @admin.action(
        description=_("Publish the final results (closes the objection window)"),
        permissions=["change"],
    )
    def publish_final_results(self, request, queryset):
        self._publish(request, queryset, final=True)

    def has_issue_certificates_permission(self, request):
        return request.user.has_perm("participants.add_certificate")


def sync_run_url(edition, run):
    return reverse("admin:hackathon_edition_github_sync_run", args=[edition.pk, run.pk])


def job_url(edition, job):
    return reverse("admin:hackathon_edition_import_job", args=[edition.pk, job.pk])
