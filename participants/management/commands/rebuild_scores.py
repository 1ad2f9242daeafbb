from django.core.management.base import BaseCommand, CommandError

from hackathon.clock import clock_moved
from hackathon.models import Edition
from participants.models import Score, ScoreBoard
from participants.scores import rebuild_all, rebuild_editions
from tasks.tally import recount_all, recount_edition


class Command(BaseCommand):
    help = (
        "Recount the task figures and rebuild the leaderboards' score rows from the results: a "
        "repair, for rows written outside the app (every change made through the app keeps them "
        "up to date)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--edition", help="only this edition's boards (and the all-time boards)"
        )

    def handle(self, *args, edition=None, **options):
        if edition is None:
            recount_all()
            rebuild_all()
        else:
            try:
                edition_id = Edition.objects.get(slug=edition).pk
            except Edition.DoesNotExist:
                raise CommandError(f"There is no edition with the slug “{edition}”.") from None
            recount_edition(edition_id)
            rebuild_editions([edition_id])
        clock_moved()
        self.stdout.write(
            self.style.SUCCESS(
                f"{Score.objects.count()} score rows on {ScoreBoard.objects.count()} boards."
            )
        )
