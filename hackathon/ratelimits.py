"""Costly public reads limited per client address: exports and the API's lists.

``@rate_limited("exports")`` and ``@rate_limited("api_lists")`` count requests per client address
with django-ratelimit (as the objection form does), at the rates the settings name
(EXPORTS_PER_ADDRESS, API_LISTS_PER_ADDRESS: "20/m" is 20 a minute). Beyond the rate the answer
is a 429 with ``Retry-After``, the seconds until the client's window ends, and a message.

They go inside ``@public_response``: what the whole-response cache answers (a stored response, or
a 304 to a client that holds it) costs one cache read and never reaches them, so it is not
counted. Every request that makes its response is counted, GET and HEAD alike (HEAD runs the same
queries): a cache miss, and every streamed export, which is never stored. Signed-in staff
(organizers) are not limited.
"""

import re
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

# Each group's setting; the groups' counts are separate.
RATES = {"exports": "EXPORTS_PER_ADDRESS", "api_lists": "API_LISTS_PER_ADDRESS"}


RATE = re.compile(r"(\d+)/(\d*)([smhd])")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def split_rate(rate):
    """("20/m") → (20, 60): requests and the seconds they are counted over."""
    count, multiple, unit = RATE.fullmatch(rate).groups()
    return int(count), int(multiple or 1) * SECONDS[unit]


def _rate(setting):
    def rate(group, request):
        return getattr(settings, setting)

    return rate


def too_many(rate, seconds):
    """The 429: the rate, and when to try again (in seconds, also in ``Retry-After``)."""
    count, period = split_rate(rate)
    message = _(
        "Too many requests from your address: at most %(count)s every %(period)s seconds. "
        "Try again in %(seconds)s seconds."
    ) % {"count": count, "period": period, "seconds": seconds}
    response = JsonResponse(
        {"detail": message}, status=429, json_dumps_params={"ensure_ascii": False}
    )
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(group):
    """Limit the view to the group's rate per client address (see the module's text)."""
    setting = RATES[group]

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_staff:
                usage = get_usage(
                    request, group=group, key="ip", rate=_rate(setting), increment=True
                )
                if usage is not None and usage["should_limit"]:
                    # The window's last second counts in it: the next one starts a second later.
                    seconds = max(usage["time_left"], 0) + 1
                    return too_many(getattr(settings, setting), seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
