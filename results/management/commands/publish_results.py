import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from hackathon.commands import edition_or_error
from results.versions import PublishRefused, publish


class Command(BaseCommand):
    help = (
        "Publish an edition's results as they stand as its next version: provisional (the "
        "objection window opens), or final with --final. The version's page, CSV and JSON never "
        "change afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, metavar="SLUG", help="the edition's slug")
        parser.add_argument("--final", action="store_true", help="publish the final results")
        parser.add_argument("--note", default="", metavar="TEXT", help="public: what changed")
        parser.add_argument(
            "--objections-close-at",
            metavar="WHEN",
            help="end of the objection window: 2025-01-30 (the end of that day, Beijing time) "
            "or 2025-01-30T18:00",
        )

    def handle(self, *args, edition, final, note, objections_close_at, **options):
        deadline = parse_deadline(objections_close_at) if objections_close_at else None
        edition = edition_or_error(edition)
        try:
            version = publish(edition, final=final, note=note, objections_close_at=deadline)
        except PublishRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            _("Published version %(number)d of %(edition)s (%(state)s): %(url)s")
            % {
                "number": version.number,
                "edition": edition.name,
                "state": version.get_state_display(),
                "url": version.get_absolute_url(),
            }
        )


def parse_deadline(text):
    """A deadline as organizers write it: a date alone is the end of that day (24:00), in the
    site's time zone (Beijing)."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("“%(value)s” is not a date (2025-01-30) or a date and time (2025-01-30T18:00).")
                % {"value": text}
            ) from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight)
