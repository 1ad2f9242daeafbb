"""Who may see what: the one place that decides, returning 404 for what the caller may not see."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from hackathon.models import Edition


def can_preview_drafts(user):
    return user.is_authenticated and user.is_staff and user.has_perm("hackathon.view_edition")


def visible_editions(user=None):
    editions = Edition.objects.all()
    if user is not None and can_preview_drafts(user):
        return editions
    return editions.public()


def get_edition_or_404(slug, user=None):
    """The edition with this slug if the caller may see it; drafts are a 404 to the public."""
    return get_object_or_404(visible_editions(user), slug=slug)


def get_track_or_404(tracks, slug):
    """The track with this slug among ``tracks`` (an edition's), None for an empty slug, a 404
    for any other value (compared in Python: a slug that the database would refuse, such as one
    holding a NUL, is simply not found)."""
    if not slug:
        return None
    track = next((track for track in tracks if track.slug == slug), None)
    if track is None:
        raise Http404("No such track in this edition.")
    return track
