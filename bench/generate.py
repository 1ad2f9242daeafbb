"""Generated edition histories for the benchmarks: Zipf-shaped, as real hackathons are (a few
people complete many tasks, most complete one).

``generate(works=…)`` writes, in batches (its memory does not grow with the size), 4 public
editions of 3 tracks each, one task per 5 pieces of work, one person per 2 pieces of work, and the
pieces of work themselves (70% completed, the rest spread over the other statuses) with one to
three contributors each. Bulk writes send no signals: the generator then makes the one call that
bulk writers make (``results_changed(everyone=True)``), which rebuilds the scores, and returns how
long that took.
"""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from hackathon.models import Edition
from participants.models import Participant
from tasks.choices import Grade, WorkStatus
from tasks.models import Contribution, Direction, Task, Work, code_position, work_identity
from tracks.choices import TrackKind
from tracks.models import Track

PREFIX = "bench-"
EDITIONS = 4
BATCH = 20_000
STATUSES = [
    (WorkStatus.COMPLETED, 70),
    (WorkStatus.PR_SUBMITTED, 8),
    (WorkStatus.CLAIMED, 10),
    (WorkStatus.RFC_SUBMITTED, 3),
    (WorkStatus.REJECTED, 6),
    (WorkStatus.PARTIALLY_COMPLETED, 3),
]
STARS = [Decimal(s) for s in ("0.5", "1", "2", "3", "4", "5", "0.25")]


def zipf_index(rng, size, skew=2.5):
    """An index into ``size`` items, small ones far more often (a Zipf-like tail)."""
    return min(size - 1, int(size * rng.random() ** skew))


def generate(works, seed=7, log=print):
    """Generate ``works`` pieces of work (and what they need) into an empty database."""
    rng = random.Random(seed)
    tasks_wanted = max(12, works // 5)
    people_wanted = max(10, works // 2)
    started = time.perf_counter()
    with transaction.atomic():
        directions = list(Direction.objects.all())
        editions = Edition.objects.bulk_create(
            Edition(
                slug=f"{PREFIX}{n}",
                number=n,
                name=f"Benchmark edition {n}",
                starts_on=date(2020, 1, 1) + timedelta(days=180 * n),
                is_public=True,
                yuan_per_star=2000,
            )
            for n in range(1, EDITIONS + 1)
        )
        kinds = [TrackKind.INDIVIDUAL, TrackKind.CAMP, TrackKind.FUNDABLE]
        tracks = Track.objects.bulk_create(
            Track(edition=edition, kind=kind, name=kind.label, slug=kind, order=order)
            for edition in editions
            for order, kind in enumerate(kinds)
        )
        task_ids = []
        for start in range(0, tasks_wanted, BATCH):
            batch = []
            for n in range(start, min(tasks_wanted, start + BATCH)):
                code = f"NO.{n // len(tracks) + 1}"
                batch.append(
                    Task(
                        track=tracks[n % len(tracks)],
                        code=code,
                        position=code_position(code),
                        title=f"Task {n}: make something faster",
                        direction=rng.choice(directions),
                        stars=rng.choice(STARS),
                        withdrawn=rng.random() < 0.01,
                    )
                )
            task_ids += [task.pk for task in Task.objects.bulk_create(batch)]
        people_ids = []
        for start in range(0, people_wanted, BATCH):
            batch = [
                Participant(login=f"dev-{n:07d}", name=f"Developer {n}")
                for n in range(start, min(people_wanted, start + BATCH))
            ]
            people_ids += [person.pk for person in Participant.objects.bulk_create(batch)]
        statuses, weights = zip(*STATUSES, strict=True)
        for start in range(0, works, BATCH):
            batch, teams = [], []
            for n in range(start, min(works, start + BATCH)):
                status = rng.choices(statuses, weights)[0]
                completed = status == WorkStatus.COMPLETED
                team = {
                    people_ids[zipf_index(rng, len(people_ids))]
                    for _ in range(rng.choice([1, 1, 1, 1, 2, 3]))
                }
                batch.append(
                    Work(
                        task_id=task_ids[n % len(task_ids)],
                        status=status,
                        team=f"team-{n}",
                        identity=work_identity(f"team-{n}", []),
                        grade=rng.choice(list(Grade)) if completed and n % 7 == 0 else "",
                        completed_on=date(2024, 9, 1) + timedelta(days=n % 120)
                        if completed
                        else None,
                    )
                )
                teams.append(team)
            created = Work.objects.bulk_create(batch)
            Contribution.objects.bulk_create(
                Contribution(work_id=work.pk, participant_id=person)
                for work, team in zip(created, teams, strict=True)
                for person in sorted(team)
            )
        log(f"  rows written in {time.perf_counter() - started:.1f} s")
        rebuilt = time.perf_counter()
        # The one call bulk writers make: every score of these editions is rebuilt.
        Edition.objects.filter(slug__startswith=PREFIX).results_changed(everyone=True)
        rebuild = time.perf_counter() - rebuilt
    log(f"  scores rebuilt in {rebuild:.1f} s")
    return rebuild
