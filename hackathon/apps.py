from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HackathonConfig(AppConfig):
    name = "hackathon"
    verbose_name = _("Editions")

    def ready(self):
        from hackathon import history  # noqa: F401  (connects the reason to history rows)
