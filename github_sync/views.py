"""POST /github/webhook/: GitHub's deliveries, signed with the GITHUB_WEBHOOK_SECRET setting.

The signature is checked first, in constant time: a bad or missing one is a 403 and nothing is
stored. Each delivery (X-GitHub-Delivery) is stored once, with its payload, and answered at once
(202 Accepted); a background task applies it (github_sync/deliveries.py) and records what it did.
A replay changes nothing and is answered with the stored state and outcome; a failed delivery
sent again (GitHub's "Redeliver") is queued again.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from github_sync.deliveries import process_delivery
from github_sync.models import Delivery
from github_sync.tracking_issue import markdown
from hackathon.access import get_edition_or_404, get_track_or_404
from hackathon.caching import public_response

# The largest delivery GitHub sends is 25 MB; the events handled here are far smaller.
MAX_BODY = 5 * 1024 * 1024


def valid_signature(secret, body, header):
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


@csrf_exempt
@require_POST
def webhook(request):
    secret = settings.GITHUB_WEBHOOK_SECRET
    header = request.headers.get("X-Hub-Signature-256", "")
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return HttpResponseBadRequest("The delivery is too large.")
    if not secret or not header.isascii() or not valid_signature(secret, request.body, header):
        return HttpResponseForbidden("The signature is missing or wrong.")
    delivery_id = request.headers.get("X-GitHub-Delivery", "").strip()
    event = request.headers.get("X-GitHub-Event", "").strip()
    if not delivery_id or len(delivery_id) > 100 or not event:
        return HttpResponseBadRequest("X-GitHub-Delivery and X-GitHub-Event are required.")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("The body is not JSON.")
    if not isinstance(payload, dict):
        return HttpResponseBadRequest("The body is not a JSON object.")
    with transaction.atomic():
        delivery, created = Delivery.objects.select_for_update().get_or_create(
            delivery_id=delivery_id,
            defaults={
                "event": event[:50],
                "action": str(payload.get("action") or "")[:50],
                "state": Delivery.State.QUEUED,
                "payload": json.dumps(payload),
            },
        )
        retry = not created and delivery.state == Delivery.State.FAILED
        if retry:
            delivery.state, delivery.payload = Delivery.State.QUEUED, json.dumps(payload)
            delivery.save(update_fields=["state", "payload"])
        if created or retry:
            # With the database backend the task's row commits with the delivery, so a worker
            # never misses it; the immediate backend (the demo, the tests) applies it now.
            process_delivery.enqueue(delivery.pk)
    delivery.refresh_from_db(fields=["state", "outcome"])
    return JsonResponse(
        {
            "delivery": delivery_id,
            "state": delivery.state,
            "outcome": delivery.outcome,
            "replay": not created,
        },
        status=202,
    )


@public_response()
def tracking_issue(request, slug, track):
    """/editions/<slug>/tracks/<track>/tracking-issue.md: the track's tracking issue, from the
    data, to paste on GitHub."""
    edition = get_edition_or_404(slug, request.user)
    track = get_track_or_404(edition.tracks.all(), track)
    if track is None:
        raise Http404("No such track.")
    response = HttpResponse(markdown(track), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"tracking-issue-{edition.slug}.md"
    )
    return response


@public_response()
def tracking_issue_page(request, slug, track):
    """/editions/<slug>/tracks/<track>/tracking-issue/: the same Markdown in a box with a copy
    button, for the organizer who pastes it into the issue on GitHub."""
    edition = get_edition_or_404(slug, request.user)
    found = get_track_or_404(edition.tracks.all(), track)
    if found is None:
        raise Http404("No such track.")
    return render(
        request,
        "github_sync/tracking_issue.html",
        {"edition": edition, "track": found, "markdown": markdown(found)},
    )
