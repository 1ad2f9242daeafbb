from django.core.management.base import BaseCommand, CommandError

from github_sync.models import SyncRun
from github_sync.sync import SyncRefused, run_now, summary
from hackathon.commands import edition_or_error


class Command(BaseCommand):
    help = (
        "Read from GitHub's REST API what the webhooks may have missed (the PRs whose titles "
        "carry a track's prefix, the comments of its tracking issue) and apply it with the "
        "webhook's rules. Needs the GITHUB_TOKEN setting."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, metavar="SLUG", help="edition's slug")
        parser.add_argument(
            "--track", metavar="KIND", help="only this track (its kind or slug); default: all"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read and count what would change, save nothing"
        )

    def handle(self, *args, edition, track, dry_run, **options):
        edition = edition_or_error(edition)
        try:
            run = run_now(edition, track, dry_run=dry_run)
        except SyncRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in run.lines:
            self.stdout.write(line)
        self.stdout.write(summary(run))
        if run.state == SyncRun.State.FAILED:
            raise CommandError(run.error)
