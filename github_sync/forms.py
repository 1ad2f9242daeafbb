from django import forms
from django.utils.translation import gettext_lazy as _


class SyncForm(forms.Form):
    """Start a reconciliation with GitHub from the edition's admin page."""

    track = forms.ChoiceField(label=_("Tracks"), required=False)
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Read and count what would change, save nothing."),
    )

    def __init__(self, *args, tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [
            ("", _("Every track with a PR title prefix or a tracking issue")),
            *[(track.slug, track.local_name) for track in tracks],
        ]
