from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from github_sync.issue_table import import_issue_table
from hackathon.commands import edition_or_error
from tasks.importing import ImportRejected


class Command(BaseCommand):
    help = (
        "Import a tracking issue's Markdown (its task table) into an edition, as import_tasks "
        "does a CSV file: all or nothing, bad rows named by their Markdown line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the tracking issue's Markdown")
        parser.add_argument("--edition", required=True, metavar="SLUG", help="edition's slug")
        parser.add_argument(
            "--track", required=True, metavar="KIND", help="individual, camp, fundable or a name"
        )
        parser.add_argument("--batch", default="", help="the batch of every task, e.g. 提前批")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, file, edition, track, batch, dry_run, **options):
        edition = edition_or_error(edition)
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from None
        try:
            report = import_issue_table(text, edition, track=track, batch=batch, dry_run=dry_run)
        except ImportRejected as rejection:
            for line in rejection.lines():
                self.stderr.write(line)
            raise CommandError(str(rejection)) from None
        for line in report.summary_lines():
            self.stdout.write(line)
