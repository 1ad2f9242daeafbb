from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from participants.models import parse_logins, validate_login
from results.models import Objection, ObjectionSubject
from tasks.models import Task, normalize_code

MAX_LINKS = 10
validate_url = URLValidator(schemes=["http", "https"])


class ObjectionForm(forms.ModelForm):
    # A field people never see or fill (it is hidden by the stylesheet); robots fill every field.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Objection
        fields = ["name", "github_login", "email", "subject", "subject_ref", "reason", "links"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 6}),
            "links": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition

    def clean_github_login(self):
        logins = parse_logins(self.cleaned_data["github_login"])
        if len(logins) != 1:
            raise ValidationError(_("Enter your GitHub login."))
        validate_login(logins[0])
        return logins[0]

    def clean_links(self):
        links = self.cleaned_data["links"].split()
        if len(links) > MAX_LINKS:
            raise ValidationError(_("At most %(count)d links, one a line.") % {"count": MAX_LINKS})
        for link in links:
            if len(link) > 500:
                raise ValidationError(_("A link is longer than 500 characters."))
            try:
                validate_url(link)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not an http(s) URL.") % {"link": link[:100]}
                ) from None
        return "\n".join(links)

    def clean(self):
        cleaned = super().clean()
        subject, ref = cleaned.get("subject"), (cleaned.get("subject_ref") or "").strip()
        if subject == ObjectionSubject.TASK:
            codes = {
                normalize_code(code)
                for code in Task.objects.filter(track__edition=self.edition).values_list(
                    "code", flat=True
                )
            }
            if not ref:
                self.add_error("subject_ref", _("Which task? Give its code, e.g. NO.28."))
            elif normalize_code(ref) not in codes:
                self.add_error(
                    "subject_ref", _("This edition has no task “%(code)s”.") % {"code": ref}
                )
        elif subject == ObjectionSubject.PERSON:
            logins = parse_logins(ref)
            if len(logins) != 1:
                self.add_error("subject_ref", _("Whose result? Give their GitHub login."))
            else:
                try:
                    validate_login(logins[0])
                    cleaned["subject_ref"] = logins[0]
                except ValidationError as error:
                    self.add_error("subject_ref", error)
        else:
            cleaned["subject_ref"] = ""
        return cleaned
