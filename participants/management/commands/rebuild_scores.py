from django.core.management.base import BaseCommand

from hackathon.commands import edition_or_error
from participants.background import rebuild_results


class Command(BaseCommand):
    help = (
        "Recount the task figures and rebuild the leaderboards from the results: a repair, for "
        "rows written outside the app (every change made through the app keeps them up to "
        "date). It runs as a background task (the worker: manage.py db_worker), or here with "
        "--now."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--edition", help="only this edition's boards (and the all-time boards)"
        )
        parser.add_argument(
            "--now", action="store_true", help="run it in this process instead of the worker"
        )

    def handle(self, *args, edition=None, now=False, **options):
        edition_ids = None
        if edition is not None:
            edition_ids = [edition_or_error(edition).pk]
        if now:
            result = rebuild_results.call(edition_ids)
            self.stdout.write(self.style.SUCCESS(f"Rebuilt: {result['score_rows']} score rows."))
            return
        result = rebuild_results.enqueue(edition_ids)
        if result.is_finished:
            self.stdout.write(
                self.style.SUCCESS(f"Rebuilt: {result.return_value['score_rows']} score rows.")
            )
        else:
            self.stdout.write(
                f"Queued as task {result.id}: the worker (manage.py db_worker) runs it."
            )
