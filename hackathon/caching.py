"""The one cache of the public site: whole responses, under the results clock.

``@public_response(...)`` wraps every public page, export and API view. For an anonymous GET or
HEAD it keeps one entry per path, language and canonical query string (the parameters the view
declares: unknown ones are dropped, so they share the canonical entry; pages and offsets beyond
a bound are answered but not stored). A declared parameter's hostile value (a NUL, bytes that are
not UTF-8, a value too long), or a hostile text in the path, is refused first: a 400 that names
the parameter, a 404 for the path (hackathon/params.py); so is a BadParameters the view raises.
The entry holds the response and the results clock (hackathon/clock.py) it was made under; the
clock and the entry are read in one round trip, and an entry made under another clock is made
again. The ETag is a digest of the
clock and the entry's key: a matching ``If-None-Match`` is answered with a 304 before any query
or rendering. Streamed exports are validated, not stored. Every response says
``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` (a setting, 60 s by default) and varies on the
language's inputs, so a CDN or proxy in front can keep and revalidate it.

Signed-in users (organizers preview drafts) are never served from nor stored into the cache.
Anonymous reads go to the read replica when there is one (hackathon/routers.py). Nothing is
deleted from the cache: when the results change the clock moves, and each entry is made again
the next time it is asked for.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language

from hackathon.clock import CLOCK_KEY, current_clock, effective
from hackathon.params import (
    MAX_VALUE_LENGTH,
    BadParameters,
    not_found_response,
    path_is_hostile,
    problem_response,
    query_problems,
)
from hackathon.routers import public_read

# Pages and offsets beyond these are answered but not stored: the cache holds a bounded number
# of entries per board, whatever a client asks for.
MAX_STORED_PAGE = 2000
MAX_STORED_OFFSET = 100_000
# What a stored response keeps of its headers.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def _storable_number(value, largest):
    return value.isascii() and value.isdigit() and int(value) <= largest


def canonical_query(query, params):
    """The query string reduced to ``params``, in a fixed order; and whether its response may be
    stored (no value too long or holding control characters, no page or offset too far)."""
    canonical = QueryDict(mutable=True)
    storable = True
    for name in params:
        for value in query.getlist(name):
            canonical.appendlist(name, value)
            too_far = (name == "page" and not _storable_number(value, MAX_STORED_PAGE)) or (
                name == "offset" and not _storable_number(value, MAX_STORED_OFFSET)
            )
            hostile = len(value) > MAX_VALUE_LENGTH or any(ord(c) < 32 for c in value)
            if hostile or (value and too_far):
                storable = False
    canonical._mutable = False
    return canonical, storable


def response_slot(request, query):
    """Where a response is kept: one entry per path, language and canonical query."""
    text = f"{get_language()}|{request.path}|{query.urlencode()}"
    return "response:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _etag(clock, slot):
    return '"' + hashlib.sha256(f"{clock}|{slot}".encode()).hexdigest()[:40] + '"'


def _validators(response, etag):
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _store(slot, clock, response):
    if response.status_code != 200 or response.streaming:
        return
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(slot, (clock, response.content, headers), settings.CACHE_TIMEOUT)


def _from_entry(entry):
    _, content, headers = entry
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def _public_response(view, request, params, *args, **kwargs):
    query, storable = canonical_query(request.GET, params)
    request.GET = query
    slot = response_slot(request, query)
    validating = request.headers.get("If-None-Match", "")
    if validating or not storable:
        clock, entry = current_clock(), None
    else:
        # The clock and the stored response in one round trip to the cache.
        found = cache.get_many([CLOCK_KEY, slot])
        clock = effective(found.get(CLOCK_KEY))
        if clock is None:  # not cached, or an edition's deadline passed since
            clock = current_clock()
        entry = found.get(slot)
    etag = _etag(clock, slot)
    if validating and etag in parse_etags(validating):
        return _validators(HttpResponseNotModified(), etag)
    if entry is not None and entry[0] == clock:
        return _validators(_from_entry(entry), etag)
    response = view(request, *args, **kwargs)
    if response.streaming:
        # A streamed export reads its rows after the view returns: from the replica too.
        response.streaming_content = _read_publicly(response.streaming_content)
    if response.status_code != 200:
        return response
    if storable:
        _store(slot, clock, response)
    return _validators(response, etag)


def _read_publicly(chunks):
    with public_read():
        yield from chunks


def public_response(*params):
    """Serve the view's anonymous GETs from the whole-response cache (see the module's text).
    ``params`` are the query parameters the view reads; the view sees only those."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in ("GET", "HEAD"):
                # Hostile values are refused before anything is read (hackathon/params.py).
                if path_is_hostile(kwargs):
                    return not_found_response(request)
                problems = query_problems(request.GET, params)
                if problems:
                    return problem_response(request, problems)
            try:
                if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                    return view(request, *args, **kwargs)
                with public_read():
                    return _public_response(view, request, params, *args, **kwargs)
            except BadParameters as error:
                return problem_response(request, error.problems)

        wrapped.query_parameters = params  # what the view reads (tests/hackathon/test_hostile.py)
        return wrapped

    return decorator
