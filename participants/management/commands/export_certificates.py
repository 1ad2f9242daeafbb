from hackathon.exports import ExportCommand
from participants.exports import certificate_header, certificate_rows


class Command(ExportCommand):
    help = (
        "Export an edition's certificates list (the organizers' list: it includes each person's "
        "e-mail, a private field) as CSV (UTF-8 with a BOM) or XLSX, to standard output or a file."
    )
    header = certificate_header(with_email=True)

    def rows(self, edition):
        return certificate_rows(edition, with_email=True)
