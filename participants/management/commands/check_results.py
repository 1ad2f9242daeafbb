from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hackathon.commands import edition_or_error
from participants.quality import report


class Command(BaseCommand):
    help = (
        "Check an edition's results before they are published: completed work without a PR, "
        "after the edition's end, on a withdrawn task; camp graduates without a grade; “up to” "
        "tasks without awarded stars; people above the reward cap; shared tracking issues. "
        "Exits with status 1 when anything needs a look."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, metavar="SLUG", help="the edition's slug")

    def handle(self, *args, edition, **options):
        edition = edition_or_error(edition)
        findings = [finding for finding in report(edition) if finding.count]
        for finding in findings:
            self.stdout.write(f"{finding.title} ({finding.count}):")
            for item in finding.items:
                self.stdout.write(f"  {item.label}")
            if finding.count > len(finding.items):
                self.stdout.write(
                    "  " + _("… and %(count)d more") % {"count": finding.count - len(finding.items)}
                )
        if findings:
            total = sum(finding.count for finding in findings)
            raise CommandError(
                _("%(count)d things to look at in %(edition)s.")
                % {"count": total, "edition": edition.name}
            )
        self.stdout.write(_("Nothing to look at in %(edition)s.") % {"edition": edition.name})
