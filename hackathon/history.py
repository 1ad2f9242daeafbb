"""Every change on the record: who, when, before, after and why (django-simple-history).

The models whose changes are the results (editions, tasks, pieces of work, credits, people,
certificates) keep a history table each. Who made a change comes from the request (the history
middleware) or is given by the writer; why comes from the writer: an organizer's reason typed in
the admin, "import of results.csv", "GitHub webhook delivery …". A writer that runs model saves
states its reason once for all of them with ``change_reason``; bulk writers (the import) write
their history rows themselves, with ``bulk_history``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal, receiver
from simple_history.signals import pre_create_historical_record

# Sent when an organizer changed a record of an edition whose results are final, with
# ``edition``, ``reason`` and ``user``: the results app publishes the correction (a new version).
final_results_changed = Signal()

_reason: ContextVar[str] = ContextVar("history_reason", default="")
_user: ContextVar = ContextVar("history_user", default=None)


@contextmanager
def change_reason(reason, user=None):
    """The reason (and, outside a request, the user) of every change saved within the block."""
    reason_token, user_token = _reason.set(reason or ""), _user.set(user)
    try:
        yield
    finally:
        _reason.reset(reason_token)
        _user.reset(user_token)


@receiver(pre_create_historical_record)
def _give_reason(sender, instance, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()
    if history_instance.history_user_id is None and _user.get() is not None:
        history_instance.history_user = _user.get()


def bulk_history(model, objects, *, update=False, user=None, reason=""):
    """History rows for objects written by bulk_create (``update`` False) or bulk_update."""
    if objects:
        model.history.bulk_history_create(
            objects, update=update, default_user=user, default_change_reason=reason or None
        )
