"""Public reads from a replica.

When ``DATABASE_REPLICA_URL`` is set, the settings define a ``replica`` database, and the public
responses (hackathon/caching.py marks them: anonymous GETs and HEADs of the public pages, exports
and API) read from it. Everything else, the admin, the imports, every write and every read of a
signed-in organizer, uses ``default``, the primary. Public reads never write (tested), so a
replica that lags a little only makes a page a little older, never wrong.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_public_read = ContextVar("public_read", default=False)


@contextmanager
def public_read():
    """Within this block, reads go to the replica if there is one."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and REPLICA in connections.settings:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a replica follows its primary's schema
