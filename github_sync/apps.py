from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GithubSyncConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "github_sync"
    verbose_name = _("GitHub")
