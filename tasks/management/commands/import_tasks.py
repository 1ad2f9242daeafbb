from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from hackathon.commands import edition_or_error
from tasks.importing import ImportRejected, import_tasks


class Command(BaseCommand):
    help = (
        "Import tasks and results from a CSV or .xlsx file into an edition. A file with any bad "
        "row changes nothing: every bad row is listed with its line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or GB18030) or .xlsx file")
        parser.add_argument("--edition", required=True, metavar="SLUG", help="edition's slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, but save nothing"
        )

    def handle(self, *args, file, edition, dry_run, **options):
        edition = edition_or_error(edition)
        path = Path(file)
        try:
            stream = path.open("rb")  # read row by row, twice: memory does not grow with the file
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        bar = ProgressBar(self.stderr)
        try:
            with stream, bar:
                report = import_tasks(
                    stream,
                    path.name,
                    edition,
                    dry_run=dry_run,
                    progress=bar.update,
                    reason=_("import of %(file)s (manage.py import_tasks)") % {"file": path.name},
                )
        except ImportRejected as rejection:
            for line in rejection.lines():
                self.stderr.write(line)
            raise CommandError(str(rejection)) from None
        for line in report.summary_lines():
            self.stdout.write(line)


class ProgressBar:
    """A progress bar per pass of the import (tqdm) on a terminal; nothing when the output is a
    file or a pipe, so that logs and scripts read only the summary."""

    def __init__(self, stream):
        self.stream = stream
        self.shown = stream.isatty()
        self.bar = None
        self.phase = None

    def update(self, phase, done, total):
        if not self.shown:
            return
        if phase != self.phase:
            self.close()
            self.phase = phase
            label = _("Checking") if phase == "checking" else _("Writing")
            self.bar = tqdm(
                total=total, desc=label, unit=_("rows"), file=self.stream._out, leave=True
            )
        self.bar.update(done - self.bar.n)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
