from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("People")

    def ready(self):
        from participants import scores  # noqa: F401 - keeps the scores when results change
