"""The admin's import of an edition's tasks and results: the upload form and the staged files.

The page imports in two steps, a preview (a dry run) and a confirmation, and the file is uploaded
once. Between the two it is kept in the default storage under ``imports/<token>.<ext>``, where any
app server can read it; the user's session (in the database) records which edition and file each
token stands for, so that a token is only good for the user who uploaded it and for its edition.
A staged file is deleted when it is confirmed, and any left over is deleted after a day.
"""

import datetime
import secrets
from pathlib import PurePath

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

MAX_SIZE = 10 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
FOLDER = "imports"
SESSION_KEY = "edition_imports"
LIFETIME = datetime.timedelta(days=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A CSV file in UTF-8 (with or without BOM) or GB18030, or an .xlsx workbook (its "
            "first sheet), of at most 10 MB; the first row names the columns. Required columns: "
            "%(required)s. Optional columns: %(optional)s."
        ) % {"required": ", ".join(REQUIRED_COLUMNS), "optional": ", ".join(OPTIONAL_COLUMNS)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if extension(upload.name) not in EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": upload.name},
                code="extension",
            )
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(
                _("The file is larger than 10 MB."),
                code="size",
            )
        return upload


def extension(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def storage_name(token: str, filename: str) -> str:
    return f"{FOLDER}/{token}{extension(filename)}"


def stage(request, edition, filename: str, data: bytes) -> str:
    """Keep an uploaded file for the confirmation; returns its token."""
    discard_stale(request)
    token = secrets.token_urlsafe(24)
    default_storage.save(storage_name(token, filename), ContentFile(data))
    staged = request.session.get(SESSION_KEY, {})
    staged[token] = [edition.pk, filename, timezone.now().timestamp()]
    request.session[SESSION_KEY] = staged
    return token


def staged_file(request, edition, token: str) -> tuple[str, bytes] | None:
    """The name and bytes of the file this user staged with ``token`` for ``edition``, if any."""
    record = request.session.get(SESSION_KEY, {}).get(token)
    if record is None:
        return None
    edition_id, filename, staged_at = record
    if edition_id != edition.pk:
        return None
    if timezone.now().timestamp() - staged_at > LIFETIME.total_seconds():
        discard(request, token)
        return None
    try:
        with default_storage.open(storage_name(token, filename), "rb") as file:
            return filename, file.read()
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
    for token, (_edition_id, _filename, staged_at) in list(staged.items()):
        if staged_at < limit.timestamp():
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
