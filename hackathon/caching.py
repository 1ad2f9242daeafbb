"""Cached figures and leaderboards, under keys that change whenever the results change.

Every edition carries a ``results_version`` that goes up when its tracks, tasks, pieces of work,
contributions or people change (tasks/signals.py, and the import once per file). A key names the
versions of the editions it depends on, so a change shows at once and old entries simply expire.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def edition_stamp(edition):
    return f"{edition.pk}.{edition.results_version}.{edition.updated_at.timestamp():.6f}"


def results_key(name, editions, *parts):
    """A cache key for ``name`` over the given editions (their versions are part of it)."""
    stamps = ",".join(edition_stamp(edition) for edition in editions)
    extra = ":".join(str(part) for part in parts)
    digest = hashlib.sha1(f"{stamps}|{extra}".encode(), usedforsecurity=False).hexdigest()
    return f"results:{name}:{digest}"


def cached(key, compute):
    """The value under ``key``, computed and stored when missing."""
    return cache.get_or_set(key, compute, settings.CACHE_TIMEOUT)
