"""What a person's public profile shows, in a fixed number of queries."""

from dataclasses import dataclass, field
from itertools import groupby

from django.http import Http404
from django.shortcuts import get_object_or_404

from hackathon.access import visible_editions
from participants.leaderboard import all_time_board, edition_ranks
from participants.models import Certificate, Participant
from participants.scores import share_expression
from tasks.models import Contribution, Task, task_order
from tasks.stats import points_expression


@dataclass
class EditionPart:
    edition: object
    tracks: list = field(default_factory=list)  # [(track, [contribution, ...])]
    standing: object = None  # the person's Standing on the edition's leaderboard

    @property
    def honoured(self):
        """Whether the person receives the edition's honour (its top N by points)."""
        return bool(self.standing) and self.edition.is_honoured(self.standing["rank"])


@dataclass
class Profile:
    editions: list  # [EditionPart], newest edition first
    mentored: list  # [Task]
    certificates: list = field(default_factory=list)  # [Certificate], newest edition first
    all_time: object = None  # the person's Standing on the all-time leaderboard

    @property
    def edition_ids(self):
        return {part.edition.pk for part in self.editions}


def profile_for(person, editions):
    """The person's work, mentorships and certificates in the given editions (those the caller
    may see).

    Each contribution carries ``points`` and ``reward`` (its share), as the leaderboard counts them.
    """
    edition_ids = [edition.pk for edition in editions]
    contributions = (
        Contribution.objects.filter(
            participant=person,
            work__task__withdrawn=False,
            work__task__track__edition__in=edition_ids,
        )
        .select_related("work__task__track__edition", "work__task__direction")
        .annotate(points=points_expression("work__"), reward=share_expression())
        .order_by("-work__task__track__edition__number", *task_order("work__task__"))
    )
    parts = []
    for edition, in_edition in groupby(contributions, key=lambda c: c.work.task.track.edition):
        part = EditionPart(edition)
        for track, in_track in groupby(in_edition, key=lambda c: c.work.task.track):
            part.tracks.append((track, list(in_track)))
        parts.append(part)
    mentored = list(
        Task.objects.filter(mentors=person, withdrawn=False, track__edition__in=edition_ids)
        .select_related("track__edition")
        .order_by("-track__edition__number", *task_order())
    )
    certificates = list(
        Certificate.objects.filter(participant=person, track__edition__in=edition_ids)
        .select_related("track__edition")
        .order_by("-track__edition__number", "track__order", "track_id")
    )
    return Profile(editions=parts, mentored=mentored, certificates=certificates)


def ranked_profile(person, editions):
    """profile_for(), with the person's rank in each edition and on the all-time leaderboard
    (over the public editions among those given)."""
    profile = profile_for(person, editions)
    ranked_in = [edition for edition in editions if edition.pk in profile.edition_ids]
    ranks = edition_ranks(person, ranked_in)
    for part in profile.editions:
        if part.edition.pk in ranks:
            rank, points, tasks_completed = ranks[part.edition.pk]
            part.standing = {"rank": rank, "points": points, "tasks_completed": tasks_completed}
    if profile.editions:
        profile.all_time = all_time_board().standing_of(person.pk)
    return profile


def public_profile_or_404(login, user=None):
    """(person, ranked profile) of the person with this login (any case) in the editions the
    caller may see: the profile page's and the API's. A 404 for nobody, and for somebody known
    only from drafts, who is not public."""
    person = get_object_or_404(Participant.objects.by_login(login))
    profile = ranked_profile(person, list(visible_editions(user)))
    if not profile.editions and not profile.mentored:
        raise Http404("Nobody with this login has public results.")
    return person, profile
