"""Public downloads of the leaderboards and the honour roll, as CSV or JSON (streamed).

/editions/<slug>/leaderboard.csv, /editions/<slug>/honour-roll.json, /leaderboard.csv, ...
They hold public fields only; drafts are a 404 like their pages.
"""

from hackathon.access import get_edition_or_404, get_track_or_404
from hackathon.caching import public_response
from hackathon.exports import export_response, format_or_404
from hackathon.ratelimits import rate_limited
from participants.exports import (
    HONOUR_ROLL_HEADER,
    LEADERBOARD_HEADER,
    honour_roll_rows,
    leaderboard_rows,
)
from participants.leaderboard import all_time_board, edition_board
from tracks.access import kind_or_404


@public_response("track")
@rate_limited("exports")
def edition_leaderboard_export(request, slug, format):
    """The edition's leaderboard (or one track's, with ?track=), every row."""
    format_or_404(format)
    edition = get_edition_or_404(slug, request.user)
    track = get_track_or_404(edition.tracks.all(), request.GET.get("track"))
    board = edition_board(edition, track)
    name = f"leaderboard-{edition.slug}" + (f"-{track.slug}" if track else "")
    return export_response(format, LEADERBOARD_HEADER, leaderboard_rows(board), name)


@public_response("track")
@rate_limited("exports")
def leaderboard_export(request, format):
    """The all-time leaderboard over every public edition (or one kind of track, with ?track=)."""
    format_or_404(format)
    kind = kind_or_404(request.GET.get("track"))
    name = "leaderboard" + (f"-{kind}" if kind else "")
    return export_response(format, LEADERBOARD_HEADER, leaderboard_rows(all_time_board(kind)), name)


@public_response()
@rate_limited("exports")
def honour_roll_export(request, slug, format):
    """Every completed piece of work of the edition with its people, stars and reward."""
    format_or_404(format)
    edition = get_edition_or_404(slug, request.user)
    rows = honour_roll_rows(edition)
    return export_response(format, HONOUR_ROLL_HEADER, rows, f"honour-roll-{edition.slug}")
