"""The admin's import of an edition's tasks and results (the edition's import page in
hackathon/admin.py): the upload form, the staged files and the background job.

The import itself is tasks/importing.py (CSV and XLSX) or, for a tracking issue's Markdown,
github_sync/issue_table.py; this module chooses between them, so it sits above both, beside the
admin that uses it, rather than in tasks/ (which imports nothing from github_sync/).

The page imports in two steps, a preview (a dry run) and a confirmation, and the file is uploaded
once. Between the two it is kept in the default storage under ``imports/<token>.<ext>``, where any
app server can read it; the user's session (in the database) records which edition and file each
token stands for, so that a token is only good for the user who uploaded it and for its edition.
A staged file is deleted when it is confirmed, and any left over is deleted after a day.

A file larger than ``IMPORT_INLINE_MAX_BYTES`` would keep the request longer than a proxy or
gunicorn waits (a dry run of 63,000 rows takes about half a minute): it is imported as a
background task instead (Django's tasks API), an ``ImportJob`` whose page shows its progress
(kept in the cache) and then its preview, its errors or its outcome.
"""

import datetime
import logging
import secrets
import time
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from github_sync.issue_table import import_issue_table
from tasks.importing import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ImportRejected,
    ImportReport,
    RowError,
    import_tasks,
)
from tasks.models import ImportJob

logger = logging.getLogger(__name__)

# Files above IMPORT_INLINE_MAX_BYTES import in the background, so the page may take large ones:
# 50 MB is about 200,000 rows of CSV.
MAX_SIZE = 50 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx", ".md")
TRACKING_ISSUE = ".md"  # a GitHub tracking issue's Markdown (github_sync/issue_table.py)
PASTED_NAME = "tracking-issue.md"  # what pasted Markdown is imported as
MAX_PASTED = 200_000  # characters: the Markdown reader's own limit
FOLDER = "imports"
SESSION_KEY = "edition_imports"
LIFETIME = datetime.timedelta(days=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    markdown = forms.CharField(
        label=gettext_lazy("Or paste a tracking issue"),
        required=False,
        max_length=MAX_PASTED,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "The Markdown of a GitHub tracking issue, as its Edit button shows it (its table of "
            "序号, 难度, 任务标题, …), instead of a file; give its track below."
        ),
    )
    track = forms.CharField(
        label=gettext_lazy("Track (a tracking issue only)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "For a tracking issue's Markdown (.md): the track its table belongs to, as in the "
            "import's track column: individual, camp, fundable or the track's name."
        ),
    )
    batch = forms.CharField(
        label=gettext_lazy("Batch (a tracking issue only)"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("For a tracking issue: the batch of all its tasks, e.g. 提前批."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file in UTF-8 (with or without BOM) or GB18030, or an .xlsx workbook (its "
            "first sheet), of at most %(size)d MB; the first row names the columns. Required "
            "columns: %(required)s. Optional columns: %(optional)s. Or the Markdown of a GitHub "
            "tracking issue (.md), with its task table."
        ) % {
            "size": MAX_SIZE // (1024 * 1024),
            "required": ", ".join(REQUIRED_COLUMNS),
            "optional": ", ".join(OPTIONAL_COLUMNS),
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:  # a pasted tracking issue instead (clean() checks there is one)
            return None
        if extension(upload.name) not in EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a .csv, .xlsx or .md file (this one is “%(name)s”).")
                % {"name": upload.name},
                code="extension",
            )
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_SIZE // (1024 * 1024)},
                code="size",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, pasted = cleaned.get("file"), cleaned.get("markdown", "")
        if upload and pasted.strip():
            self.add_error("markdown", _("Give a file or paste a tracking issue, not both."))
        elif not upload and not pasted.strip() and not self.errors:
            self.add_error("file", _("Choose a file, or paste a tracking issue below."))
        is_issue = pasted.strip() or (upload and extension(upload.name) == TRACKING_ISSUE)
        if is_issue and not cleaned.get("track"):
            self.add_error("track", _("Which track is this tracking issue's?"))
        return cleaned

    def source(self):
        """(file name, bytes, size) of what to import: the uploaded file, or the pasted
        Markdown as a tracking issue's file."""
        pasted = self.cleaned_data.get("markdown", "")
        if pasted.strip():
            data = pasted.encode("utf-8")
            return PASTED_NAME, data, len(data)
        upload = self.cleaned_data["file"]
        return upload.name, upload.read(), upload.size

    def options(self):
        """What the import needs besides the file (a tracking issue's track and batch)."""
        return {"track": self.cleaned_data["track"], "batch": self.cleaned_data["batch"]}


def run_import(
    data, filename: str, edition, options: dict, *, dry_run=False, progress=None, user=None
):
    """Import a staged or uploaded file (its bytes, or a seekable binary file): a tracking issue
    through its Markdown reader, any other through the CSV/XLSX import. Raises ImportRejected as
    they do. The history of what it writes names ``user`` and the file."""
    reason = _("import of %(file)s in the admin") % {"file": filename}
    if extension(filename) == TRACKING_ISSUE:
        if not isinstance(data, bytes | bytearray):
            data = data.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 text: save the tracking issue as UTF-8.")
            raise ImportRejected([RowError(0, message)]) from None
        return import_issue_table(
            text,
            edition,
            track=options["track"],
            batch=options["batch"],
            dry_run=dry_run,
            user=user,
            reason=reason,
        )
    return import_tasks(
        data, filename, edition, dry_run=dry_run, progress=progress, user=user, reason=reason
    )


# Background imports -------------------------------------------------------------------------


def in_background(size: int) -> bool:
    """Whether a file of ``size`` bytes is too large to be imported within the request."""
    return size > settings.IMPORT_INLINE_MAX_BYTES


def start_job(request, edition, filename: str, options: dict, *, data=None, staged=None):
    """A background import of a file (uploaded now as ``data``, or ``staged`` by a preview):
    the job row, and its task enqueued. A preview (a dry run) is
    started with the upload, the import itself with the organizer's confirmation."""
    if staged is None:
        staged = default_storage.save(
            storage_name(secrets.token_urlsafe(24), filename), ContentFile(data)
        )
    job = ImportJob.objects.create(
        edition=edition,
        created_by=request.user,
        filename=filename,
        staged=staged,
        options=options,
        language=translation.get_language(),
        dry_run=data is not None,
    )
    # The database backend writes the task's row in this transaction, so a worker never sees
    # the task without its job (the immediate backend, in the demo and tests, runs it now).
    run_import_job.enqueue(job.pk)
    return job


def progress_key(job_id: int) -> str:
    return f"import-job:{job_id}:progress"


def job_progress(job) -> dict | None:
    """How far a running job is: {"phase", "done", "total"}, or None when not known (not
    started yet, or kept in another app server's memory when the cache is not shared)."""
    progress = cache.get(progress_key(job.pk))
    if progress and progress["total"]:
        progress["percent"] = progress["done"] * 100 // progress["total"]
    return progress


class ProgressReporter:
    """Keeps a job's progress in the cache, at most twice a second."""

    INTERVAL = 0.5

    def __init__(self, job_id):
        self.key = progress_key(job_id)
        self.last = 0.0

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if now - self.last >= self.INTERVAL or done == total:
            self.last = now
            cache.set(self.key, {"phase": phase, "done": done, "total": total}, 24 * 3600)


@task()
def run_import_job(job_id: int):
    """Run an import job: its preview or its import, in the language it was started in. The
    outcome is kept on the job; a confirmed import's staged file is deleted."""
    updated = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING
    )
    if not updated:  # run already (a task delivered twice), or gone
        return None
    job = ImportJob.objects.select_related("edition").get(pk=job_id)
    with translation.override(job.language):
        try:
            with default_storage.open(job.staged, "rb") as file:
                report = run_import(
                    file,
                    job.filename,
                    job.edition,
                    job.options,
                    dry_run=job.dry_run,
                    progress=ProgressReporter(job.pk),
                    user=job.created_by,
                )
        except ImportRejected as rejection:
            job.state = ImportJob.State.REJECTED
            job.outcome = {
                "errors": [[error.line, error.message] for error in rejection.errors],
                "count": rejection.count,
            }
        except FileNotFoundError:
            job.state = ImportJob.State.FAILED
            job.outcome = {"message": _("The uploaded file is gone: upload it again.")}
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            job.state = ImportJob.State.FAILED
            job.outcome = {"message": _("The import failed: nothing was saved. Try it again.")}
        else:
            job.state = ImportJob.State.DONE
            job.outcome = report.as_json()
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "outcome", "finished_at"])
    if not job.dry_run or job.state != ImportJob.State.DONE:
        default_storage.delete(job.staged)
    return job.state


def job_report(job) -> ImportReport:
    return ImportReport.from_json(job.outcome)


def job_rejection(job) -> ImportRejected:
    errors = [RowError(line, message) for line, message in job.outcome["errors"]]
    return ImportRejected(errors, count=job.outcome["count"])


def extension(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def storage_name(token: str, filename: str) -> str:
    return f"{FOLDER}/{token}{extension(filename)}"


def stage(request, edition, filename: str, data: bytes, options=None) -> str:
    """Keep an uploaded file (and the options it is imported with) for the confirmation;
    returns its token."""
    discard_stale(request)
    token = secrets.token_urlsafe(24)
    default_storage.save(storage_name(token, filename), ContentFile(data))
    staged = request.session.get(SESSION_KEY, {})
    staged[token] = [edition.pk, filename, timezone.now().timestamp(), options or {}]
    request.session[SESSION_KEY] = staged
    return token


def staged_file(request, edition, token: str) -> tuple[str, bytes, dict] | None:
    """The name, bytes and options of the file this user staged with ``token`` for ``edition``,
    if any."""
    record = request.session.get(SESSION_KEY, {}).get(token)
    if record is None:
        return None
    edition_id, filename, staged_at, *more = record
    options = more[0] if more else {}
    if edition_id != edition.pk:
        return None
    if timezone.now().timestamp() - staged_at > LIFETIME.total_seconds():
        discard(request, token)
        return None
    try:
        with default_storage.open(storage_name(token, filename), "rb") as file:
            return filename, file.read(), options
    except FileNotFoundError:
        discard(request, token)
        return None


def discard(request, token: str):
    """Forget a token of this user's and delete its file."""
    staged = request.session.get(SESSION_KEY, {})
    record = staged.pop(token, None)
    if record is None:
        return
    request.session[SESSION_KEY] = staged
    default_storage.delete(storage_name(token, record[1]))


def discard_stale(request):
    """Forget this user's tokens older than a day, and delete anybody's staged file as old."""
    limit = timezone.now() - LIFETIME
    staged = request.session.get(SESSION_KEY, {})
    for token, record in list(staged.items()):
        if record[2] < limit.timestamp():
            discard(request, token)
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except FileNotFoundError:
            continue  # Another app server deleted it meanwhile.
