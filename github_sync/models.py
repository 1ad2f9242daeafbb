from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """A webhook delivery from GitHub, stored once (GitHub's delivery id), with what it did."""

    delivery_id = models.CharField(_("delivery"), max_length=100, unique=True)
    event = models.CharField(_("event"), max_length=50)
    action = models.CharField(_("action"), max_length=50, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event} {self.action} {self.delivery_id}"
