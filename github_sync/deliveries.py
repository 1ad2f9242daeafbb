"""Applying a webhook delivery, in a background task (Django's tasks API).

The webhook (github_sync/views.py) checks the signature, stores the delivery with its payload
and answers GitHub at once (202); ``process_delivery`` then applies it, exactly once: it locks the
delivery's row, applies only a queued one, and drops the payload once applied (a pull_request
payload is some 30 KB; only the outcome is kept). A delivery whose processing failed keeps its
payload, and GitHub's "Redeliver" (the same delivery id) queues it again.
"""

import json
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from github_sync.comments import handle_issue_comment
from github_sync.models import Delivery
from github_sync.pulls import handle_pull_request
from hackathon.history import change_reason

logger = logging.getLogger(__name__)


def dispatch(event, payload):
    """What a delivery of ``event`` does; its outcome in words."""
    if event == "pull_request":
        return handle_pull_request(payload).text
    if event == "issue_comment":
        return handle_issue_comment(payload).text
    if event == "ping":
        return "pong"
    return f"ignored: event {event}"


@task()
def process_delivery(delivery_pk: int):
    """Apply a queued delivery once; returns its state."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_pk).first()
        if delivery is None or delivery.state != Delivery.State.QUEUED:
            return None  # applied already (a task delivered twice), or gone
        try:
            # A savepoint: a failure undoes the delivery's changes, not the record of it.
            with transaction.atomic():
                # Every change the delivery makes is on the record with it as its reason.
                reason = f"GitHub {delivery.event} webhook, delivery {delivery.delivery_id}"
                with change_reason(reason):
                    outcome = dispatch(delivery.event, json.loads(delivery.payload or "{}"))
        except Exception:
            logger.exception("GitHub delivery %s failed", delivery.delivery_id)
            delivery.state = Delivery.State.FAILED
            delivery.outcome = "failed: nothing was changed (redeliver it from GitHub to retry)"
        else:
            delivery.state = Delivery.State.DONE
            # A text column takes no NUL, which a forged login could carry into the words.
            delivery.outcome = outcome.replace("\x00", "")
            delivery.payload = ""
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["state", "outcome", "payload", "processed_at"])
    return delivery.state
