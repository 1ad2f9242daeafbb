from hackathon.exports import ExportCommand
from participants.payouts import PAYOUT_HEADER, payouts_for


class Command(ExportCommand):
    help = (
        "Export what each person is paid for an edition, per payer (the organizers' rows have an "
        "empty payer): stars, the reward before and after the edition's cap. CSV (UTF-8 with a "
        "BOM) or XLSX, to standard output or a file."
    )
    header = PAYOUT_HEADER

    def rows(self, edition):
        return (payout.row() for payout in payouts_for(edition))
