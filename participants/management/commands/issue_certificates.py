from django.core.management.base import BaseCommand

from hackathon.commands import edition_or_error
from participants.certificates import issue_certificates
from participants.models import Certificate


class Command(BaseCommand):
    help = "Issue the completion certificates an edition's results call for (again: none new)."

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, help="the edition's slug")

    def handle(self, *args, edition, **options):
        edition = edition_or_error(edition)
        issued = issue_certificates(edition)
        new = Certificate.objects.filter(pk__in=[c.pk for c in issued]).select_related(
            "participant"
        )
        for certificate in new:
            self.stdout.write(f"{certificate.serial}\t{certificate.participant.login}")
        total = Certificate.objects.filter(track__edition=edition).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(issued)} certificates issued for {edition.name}; {total} in all."
            )
        )
