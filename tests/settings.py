"""The settings the tests run with (pyproject.toml names this module for pytest-django): the
project's one settings module, read with DEBUG on, as `make demo` runs it.

DEBUG is off unless set (production is the default). What the tests take from the development
configuration that DEBUG on gives: the development SECRET_KEY; ALLOWED_HOSTS for localhost (the
browser tests' live server); background tasks run at once, in the request (TASKS_BACKEND
immediate), so a test sees a rebuild's result; static files found in place (no collectstatic
manifest for `{% static %}` to read); the dev tools (the bench app); plain HTTP (no redirect to
HTTPS, no HSTS, no secure-only cookies). pytest-django still runs every test with DEBUG false,
as Django's test runner does.

It is set in the environment, not in the settings, so that whatever the settings derive from it is
derived as in `make demo`, and the subprocesses a test starts inherit it (those that test the
production configuration say DEBUG=false themselves). It is forced: a shell that exports
DEBUG=false does not change what the tests run with. Everything else (DATABASE_URL first) is read
from the environment as usual.
"""

import os

os.environ["DEBUG"] = "true"
# No page links to GitHub's avatars: the browser tests run offline and no test loads a remote
# image. People show their initials (and uploaded avatars); tests/participants/test_avatars.py
# turns GitHub's avatars on where it tests them.
os.environ["AVATARS_GITHUB"] = "false"

from hackathon.settings import *  # noqa: F403
