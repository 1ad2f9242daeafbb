"""What changed between two published versions of an edition's results, in words a participant
reads (docs/figures.md, "Published versions"): the figures that moved, the pieces of work that
were or are no longer counted, and each person's points, tasks and reward that moved. Computed
from the versions' snapshots, so that it says exactly what the two publications said.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hackathon.models import in_language
from tasks.models import format_stars

FIGURES = [
    ("tasks_published", gettext_lazy("tasks published")),
    ("tasks_submitted", gettext_lazy("tasks submitted")),
    ("tasks_completed", gettext_lazy("tasks completed")),
    ("participants", gettext_lazy("participants")),
    ("developers_completed", gettext_lazy("developers who completed")),
]


@dataclass(frozen=True)
class Change:
    kind: str  # "figure", "added", "removed", "person"
    text: str


def _work_key(row):
    return (row["track"], row["batch"] or "", row["code"], row["team"] or "", row["contributors"])


def _work_label(row, names):
    track = names.get(row["track"], row["track"])
    who = f"{row['team']}: {row['contributors']}" if row["team"] else row["contributors"]
    batch = f"{row['batch']} " if row["batch"] else ""
    return f"{track} {batch}{row['code']} {row['title']} ({who})"


def _number(value):
    return "–" if value is None else format_stars(value)


def changes(older, newer):
    """The changes from the snapshot ``older`` to ``newer``, figures first, then work, then
    people (by login)."""
    found = []
    names = {t["name"]: in_language(t["name"], t.get("name_en", "")) for t in newer["tracks"]}
    names.update({t["name"]: in_language(t["name"], t.get("name_en", "")) for t in older["tracks"]})
    scopes = [(_("The edition"), older["edition"]["stats"], newer["edition"]["stats"])]
    old_tracks = {t["slug"]: t for t in older["tracks"]}
    for track in newer["tracks"]:
        before = old_tracks.get(track["slug"])
        if before:
            scopes.append((names[track["name"]], before["stats"], track["stats"]))
    for scope, before, after in scopes:
        for key, label in FIGURES:
            if before.get(key) != after.get(key):
                found.append(
                    Change(
                        "figure",
                        _("%(scope)s, %(figure)s: %(before)s → %(after)s")
                        % {
                            "scope": scope,
                            "figure": label,
                            "before": before.get(key),
                            "after": after.get(key),
                        },
                    )
                )
    old_works = {_work_key(row): row for row in older["honour_roll"]}
    new_works = {_work_key(row): row for row in newer["honour_roll"]}
    for key, row in new_works.items():
        if key not in old_works:
            found.append(
                Change("added", _("Now counted: %(work)s") % {"work": _work_label(row, names)})
            )
        elif old_works[key]["stars"] != row["stars"] or old_works[key]["reward"] != row["reward"]:
            found.append(
                Change(
                    "changed",
                    _("%(work)s: %(before)s → %(after)s stars")
                    % {
                        "work": _work_label(row, names),
                        "before": _number(old_works[key]["stars"]),
                        "after": _number(row["stars"]),
                    },
                )
            )
    for key, row in old_works.items():
        if key not in new_works:
            found.append(
                Change(
                    "removed", _("No longer counted: %(work)s") % {"work": _work_label(row, names)}
                )
            )
    old_people = {line["login"]: line for line in older["leaderboard"]}
    new_people = {line["login"]: line for line in newer["leaderboard"]}
    for login in sorted(old_people.keys() | new_people.keys(), key=str.lower):
        before, after = old_people.get(login), new_people.get(login)
        moved = ("points", "tasks_completed", "rank")
        if before and after and all(before[key] == after[key] for key in moved):
            continue
        found.append(
            Change(
                "person",
                _("%(login)s: %(before)s → %(after)s points, rank %(rank_before)s → %(rank_after)s")
                % {
                    "login": login,
                    "before": _number(before["points"]) if before else 0,
                    "after": _number(after["points"]) if after else 0,
                    "rank_before": before["rank"] if before else "–",
                    "rank_after": after["rank"] if after else "–",
                },
            )
        )
    return found
