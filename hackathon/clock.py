"""The results clock: one number that moves whenever anything a public page shows changes.

Writers move it in their transaction (``clock_moved``, called by
``Edition.objects…results_changed()`` and by the signals of tasks/signals.py); the public
responses are cached and validated under its value (hackathon/caching.py). Readers take it from
the cache, so that a conditional request for unchanged results is answered without a query.

The cached value is dropped when the clock moves and again when the writer commits; a reader that
finds none reads the row and caches it for at most CLOCK_TIMEOUT seconds. A reader racing a commit
may cache the previous value: it is corrected by the next change or after CLOCK_TIMEOUT.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

CLOCK_KEY = "results:clock"
CLOCK_TIMEOUT = 60


def _forget():
    cache.delete(CLOCK_KEY)


def clock_moved(using="default"):
    """Move the clock, in the current transaction."""
    from hackathon.models import ResultsClock

    clocks = ResultsClock.objects.using(using)
    if not clocks.filter(pk=1).update(value=F("value") + 1):
        clocks.get_or_create(pk=1, defaults={"value": 1})
    _forget()
    transaction.on_commit(_forget, using=using)


def current_clock():
    """The clock's value: from the cache, or read once and cached."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        from hackathon.models import ResultsClock

        value = ResultsClock.objects.filter(pk=1).values_list("value", flat=True).first() or 0
        cache.add(CLOCK_KEY, value, CLOCK_TIMEOUT)
    return value
