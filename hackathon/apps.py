from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class HackathonConfig(AppConfig):
    name = "hackathon"
    verbose_name = _("Editions")

    def ready(self):
        from hackathon import history  # noqa: F401  (connects the reason to history rows)


class BackgroundTasksConfig(TasksAppConfig):
    """The database backend of the background tasks (imports, rebuilds, GitHub syncs), under a
    name of the product's language in the admin. The backend's own labels are English only: the
    project's catalogue translates those its admin shows (below)."""

    verbose_name = _("Background tasks")


# The django_tasks_db admin's labels, marked here so that the project's catalogue carries them.
THIRD_PARTY_LABELS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("priority"),
    gettext_noop("queue name"),
    gettext_noop("args kwargs"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
]
