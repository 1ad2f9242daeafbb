"""What each person is paid for an edition, and by whom (docs/figures.md, "Payouts").

A person's completed work earns a reward (tasks/stats.py ``reward_expression``; split among its
contributors by ``share_expression``). Rewards are paid by the work's payer, else its track's,
else the organizers (an empty payer). The edition's ``reward_cap`` limits what the organizers pay
one person; what partners pay is theirs to decide and is not capped, and neither are the
leaderboard's points. All of it is read in one aggregate query.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from participants.scores import share_expression
from tasks.models import Contribution, exact_stars
from tasks.stats import points_expression

PAYOUT_HEADER = ["login", "name", "payer", "stars", "reward_uncapped", "reward"]
CENT = Decimal("0.01")
ORGANIZERS = ""  # the payer of a reward nobody else pays


def payer_expression(prefix=""):
    """Who pays a piece of work's reward: its payer, else its track's, else the organizers."""
    return Coalesce(
        NullIf(F(f"{prefix}payer"), Value("")),
        NullIf(F(f"{prefix}task__track__payer"), Value("")),
        Value(ORGANIZERS),
    )


@dataclass(frozen=True)
class Payout:
    """What one payer pays one person for an edition."""

    login: str
    name: str
    payer: str
    stars: Decimal
    reward_uncapped: Decimal | None
    reward: Decimal | None

    def row(self):
        return [
            self.login,
            self.name,
            self.payer,
            exact_stars(self.stars),
            self.reward_uncapped,
            self.reward,
        ]


@dataclass(frozen=True)
class PayerTotal:
    payer: str
    people: int
    reward_uncapped: Decimal
    reward: Decimal


def payouts_for(edition) -> list[Payout]:
    """Per person (by login, case-insensitively) and payer (the organizers first): the stars
    earned, the reward before and after the edition's cap."""
    lines = (
        Contribution.objects.counted()
        .filter(work__task__track__edition=edition)
        .annotate(paid_by=payer_expression("work__"))
        .values("participant_id", "participant__login", "participant__name", "paid_by")
        .annotate(stars=Sum(points_expression("work__")), earned=Sum(share_expression()))
        .order_by(Lower("participant__login"), "participant_id", "paid_by")
    )
    cap = edition.reward_cap
    payouts = []
    for line in lines:
        uncapped = cents(line["earned"])
        reward = uncapped
        if cap is not None and line["paid_by"] == ORGANIZERS and uncapped is not None:
            reward = cents(min(uncapped, cap))
        payouts.append(
            Payout(
                login=line["participant__login"],
                name=line["participant__name"],
                payer=line["paid_by"],
                stars=Decimal(line["stars"]),
                reward_uncapped=uncapped,
                reward=reward,
            )
        )
    return payouts


def payer_totals(payouts: list[Payout]) -> list[PayerTotal]:
    """The total each payer pays (the organizers first, then by name), and the edition's total
    last under the payer None."""
    totals: dict[str | None, list] = {}
    for payout in sorted(payouts, key=lambda payout: payout.payer):
        for payer in (payout.payer, None):
            total = totals.setdefault(payer, [0, Decimal(0), Decimal(0)])
            total[0] += 1
            total[1] += payout.reward_uncapped or 0
            total[2] += payout.reward or 0
    edition = totals.pop(None, [0, Decimal(0), Decimal(0)])
    edition[0] = len({payout.login.lower() for payout in payouts})
    return [PayerTotal(payer, *total) for payer, total in totals.items()] + [
        PayerTotal(None, *edition)
    ]


def cents(amount):
    return None if amount is None else Decimal(amount).quantize(CENT, ROUND_HALF_UP)
