"""The results clock: one number that moves whenever anything a public page shows changes.

Writers move it in their transaction (``clock_moved``, called by
``Edition.objects…results_changed()`` and by the signals of tasks/signals.py); the public
responses are cached and validated under its value (hackathon/caching.py). Readers take it from
the cache, so that a conditional request for unchanged results is answered without a query.

The cached value is dropped when the clock moves and again when the writer commits; a reader that
finds none reads the row and caches it for at most CLOCK_TIMEOUT seconds. A reader racing a commit
may cache the previous value: it is corrected by the next change or after CLOCK_TIMEOUT.

Some pages change with time alone: an edition's results become provisional when published and
final when its objection window closes, with no write. So the clock also counts the editions'
deadlines that have passed, and the cached value holds the next one: the first read after a
deadline reads the clock again, and every page made before it is made again.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Func, IntegerField, Min, Q, Subquery
from django.utils import timezone

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


def _deadlines(now):
    """The editions' deadlines as four scalar subqueries: how many publications and objection
    closes have passed, and the next of each (timestamps, or None)."""
    from hackathon.models import Edition

    def scalar(function, field, **lookup):
        editions = Edition.objects.filter(**lookup).order_by()
        output = IntegerField() if function == "COUNT" else Edition._meta.get_field(field)
        value = Func(F(field), function=function, output_field=output)
        return Subquery(editions.values(v=value)[:1], output_field=output)

    return {
        "published": scalar("COUNT", "results_published_at", results_published_at__lte=now),
        "closed": scalar("COUNT", "objections_close_at", objections_close_at__lte=now),
        "next_publication": scalar("MIN", "results_published_at", results_published_at__gt=now),
        "next_close": scalar("MIN", "objections_close_at", objections_close_at__gt=now),
    }


def _read():
    """(clock value, deadlines passed, the next deadline as a timestamp or None): one query."""
    from hackathon.models import ResultsClock

    now = timezone.now()
    row = ResultsClock.objects.filter(pk=1).values("value", **_deadlines(now)).first()
    if row is None:  # no change recorded yet: the deadlines alone
        from hackathon.models import Edition

        row = {
            "value": 0,
            **Edition.objects.aggregate(
                published=Count("pk", filter=Q(results_published_at__lte=now)),
                closed=Count("pk", filter=Q(objections_close_at__lte=now)),
                next_publication=Min(
                    "results_published_at", filter=Q(results_published_at__gt=now)
                ),
                next_close=Min("objections_close_at", filter=Q(objections_close_at__gt=now)),
            ),
        }
    upcoming = [
        moment.timestamp()
        for moment in (row["next_publication"], row["next_close"])
        if moment is not None
    ]
    passed = (row["published"] or 0) + (row["closed"] or 0)
    return (row["value"], passed, min(upcoming) if upcoming else None)


def effective(cached):
    """The clock as responses are made under it ("value.deadlines passed") from its cached form,
    or None when there is none or a deadline has passed since it was read."""
    if not isinstance(cached, tuple):
        return None
    value, passed, upcoming = cached
    if upcoming is not None and timezone.now().timestamp() >= upcoming:
        return None
    return f"{value}.{passed}"


def current_clock():
    """The clock's value: from the cache, or read (one query) and cached."""
    cached = cache.get(CLOCK_KEY)
    clock = effective(cached)
    if clock is None:
        cached = _read()
        cache.set(CLOCK_KEY, cached, CLOCK_TIMEOUT)
        clock = effective(cached)
    return clock
