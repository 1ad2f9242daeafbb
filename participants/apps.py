from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("People")

    def ready(self):
        from django.db.models import CharField
        from django.db.models.functions import Lower

        # login__lower="abc" compiles to LOWER(login) = 'abc', which the unique index serves.
        CharField.register_lookup(Lower)

        from participants import scores  # noqa: F401 - rebuilds the scores when results change
