import os
import sys

from django.core.management.base import BaseCommand, CommandError

from hackathon.exports import stream
from hackathon.models import Edition
from participants.exports import certificate_header, certificate_rows


class Command(BaseCommand):
    help = (
        "Export an edition's certificates list (the organizers' list: it includes each person's "
        "e-mail, a private field) as CSV (UTF-8 with a BOM) or XLSX, to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", required=True, help="the edition's slug")
        parser.add_argument("--format", default="csv", help="csv (the default) or xlsx")
        parser.add_argument("--output", help="the file to write; standard output when omitted")

    def handle(self, *args, edition, format, output, **options):
        if format not in ("csv", "xlsx"):
            raise CommandError(f"Unknown format “{format}”: choose csv or xlsx.")
        try:
            edition = Edition.objects.get(slug=edition)
        except Edition.DoesNotExist:
            raise CommandError(f"There is no edition with the slug “{edition}”.") from None
        chunks = stream(
            format, certificate_header(with_email=True), certificate_rows(edition, with_email=True)
        )
        if output:
            with open(output, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            return
        # Bytes, not text: an XLSX file is binary, and the CSV's BOM must come through as is.
        target = getattr(self.stdout._out, "buffer", None) or sys.stdout.buffer
        try:
            for chunk in chunks:
                target.write(chunk)
            target.flush()
        except BrokenPipeError:
            # The reader stopped early (`| head`): stop too, quietly, as command-line tools do.
            chunks.close()
            os.dup2(os.open(os.devnull, os.O_WRONLY), target.fileno())
