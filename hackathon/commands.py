"""What the management commands share."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from hackathon.models import Edition


def edition_or_error(slug):
    """The edition with this slug; a CommandError that names the slug when there is none."""
    try:
        return Edition.objects.get(slug=slug)
    except Edition.DoesNotExist:
        raise CommandError(
            _("There is no edition with the slug “%(slug)s”.") % {"slug": slug}
        ) from None
