"""Request parameters read with bounds.

A value that is not what a parameter accepts is a 400 that names the parameter and says what it
accepts: never a server error, never a silent default. Every public view is wrapped by
``hackathon.caching.public_response``, which refuses hostile values of the parameters the view
declares before anything else runs (``query_problems``: control characters such as NUL, text that
was not valid UTF-8, values longer than MAX_VALUE_LENGTH) and answers a hostile path parameter
with a 404 (``path_is_hostile``). Views read numbers with ``whole_number`` and raise
``BadParameters``, answered by ``problem_response``: JSON ``{parameter: [messages]}`` for the API
and downloads, the site's 400 page listing the problems for pages.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# No parameter of the site needs a longer value (a search is at most 100 characters).
MAX_VALUE_LENGTH = 200
# Page numbers beyond this are refused; the last page of a list is answered for any page from
# its end up to here.
MAX_PAGE = 1_000_000
# What the decoder puts in place of bytes that are not UTF-8 (%FF).
REPLACEMENT = "\ufffd"


class BadParameters(Exception):
    """Raised by a view for a 400: ``problems`` maps each parameter to its messages."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def _has_control(value):
    return any(ord(char) < 32 or ord(char) == 127 for char in value)


def value_problem(value):
    """What is wrong with a raw parameter value whatever the parameter, or None."""
    if len(value) > MAX_VALUE_LENGTH:
        return _("At most %(count)s characters are accepted.") % {"count": MAX_VALUE_LENGTH}
    if REPLACEMENT in value:
        return _("The value is not valid UTF-8 text.")
    if _has_control(value):
        return _("Control characters (such as NUL) are not accepted.")
    return None


def query_problems(query, params):
    """``{parameter: [message]}`` for the values of ``params`` in ``query`` that no parameter
    accepts."""
    problems = {}
    for name in params:
        for value in query.getlist(name):
            problem = value_problem(value)
            if problem:
                problems[name] = [problem]
                break
    return problems


def path_is_hostile(kwargs):
    """Whether a text the URL captured could name nothing (a control character, bytes that were
    not UTF-8, a length beyond any name): such an address is not found, without a query."""
    return any(
        isinstance(value, str)
        and (len(value) > MAX_VALUE_LENGTH or REPLACEMENT in value or _has_control(value))
        for value in kwargs.values()
    )


def whole_number(query, name, *, default, low, high):
    """The parameter as a whole number from ``low`` to ``high`` (ASCII digits only: "²" and
    "١" are digits to Python, not to us), ``default`` when absent or empty; BadParameters
    otherwise."""
    raw = query.get(name, "")
    if raw == "":
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(high)) and low <= int(raw) <= high:
        return int(raw)
    message = _("A whole number from %(low)s to %(high)s is required.") % {
        "low": low,
        "high": high,
    }
    raise BadParameters({name: [message]})


def page_number(query, name="page"):
    return whole_number(query, name, default=1, low=1, high=MAX_PAGE)


def wants_json(request):
    """The API and downloads (an address ending in a file name: .csv, .json, …) answer JSON;
    pages answer a page."""
    return request.path.startswith("/api/") or "." in request.path.rsplit("/", 1)[-1]


def problem_response(request, problems):
    """The 400 for ``problems`` (``{parameter: [messages]}``)."""
    if wants_json(request):
        return JsonResponse(problems, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"problems": problems}, status=400)


def not_found_response(request):
    """The 404 for an address that names nothing: the API's JSON, or the site's page."""
    if not request.path.startswith("/api/"):
        raise Http404("Nothing has this name.")
    return JsonResponse({"detail": _("Not found.")}, status=404)
