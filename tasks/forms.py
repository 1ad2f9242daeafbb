"""Admin forms for pieces of work: contributors entered as GitHub logins, identities kept unique."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from participants.models import Participant, parse_logins, validate_login
from tasks.choices import WorkStatus
from tasks.models import Contribution, Work, work_identity


class LoginListField(forms.Field):
    """GitHub logins separated by ";" (or commas, or spaces); cleans to a list of logins."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("GitHub logins separated by “;”, e.g. “alice; @bob”; a leading @ is ignored."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "; ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return parse_logins(value)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        invalid = []
        for login in value:
            try:
                validate_login(login)
            except ValidationError:
                invalid.append(login)
        if invalid:
            raise ValidationError(
                _("Not GitHub logins: %(logins)s."),
                code="invalid_login",
                params={"logins": ", ".join(invalid)},
            )

    def has_changed(self, initial, data):
        def key(value):
            return sorted(login.lower() for login in self.to_python(value))

        return key(initial) != key(data)


def set_contributors(work, logins):
    """Make the work's contributors exactly these logins, creating the people not known yet.

    People are matched case-insensitively; the contributions kept keep their reward shares.
    """
    people = {person.login.lower(): person for person in Participant.objects.by_logins(logins)}
    for login in logins:
        if login.lower() not in people:
            people[login.lower()] = Participant.objects.create(login=login)
    wanted = {people[login.lower()].pk for login in logins}
    work.contributions.exclude(participant__in=wanted).delete()
    present = set(work.contributions.values_list("participant", flat=True))
    for pk in sorted(wanted - present):
        # One by one, not bulk_create(): receivers of post_save (cache invalidation) see each.
        Contribution.objects.create(work=work, participant_id=pk)
    work.refresh_identity()


def contributors_error(status, team, logins):
    """Why a piece of work with this status, team and contributors cannot be saved, or None."""
    if status and status != WorkStatus.CLAIMED and not logins:
        return _("Name at least one contributor: only a claimed piece of work may have none.")
    if not team.strip() and not logins:
        return _("Name the team or at least one contributor.")
    return None


def duplicate_message(identity):
    if identity.startswith("team:"):
        return _("Another piece of work on this task already has this team.")
    return _("Another piece of work on this task already has exactly these contributors.")


class WorkInlineForm(forms.ModelForm):
    """A piece of work on its task's page, with its contributors as a list of logins."""

    contributors = LoginListField(label=_("contributors"), required=False)

    class Meta:
        model = Work
        fields = [
            "status",
            "team",
            "grade",
            "reward",
            "submitted_on",
            "completed_on",
            "pr_urls",
            "notes",
        ]
        widgets = {
            "pr_urls": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The identity saved in the database, and the one this form will give the work.
        self.stored_identity = self.instance.identity
        self.identity = None
        if self.instance.pk and "contributors" not in kwargs.get("initial", {}):
            # Read from the prefetched contributors when the queryset has them.
            self.initial["contributors"] = [
                person.login for person in self.instance.contributors.all()
            ]

    def clean(self):
        cleaned_data = super().clean()
        logins = cleaned_data.get("contributors")
        if logins is None:
            return cleaned_data
        team = cleaned_data.get("team", "")
        error = contributors_error(cleaned_data.get("status"), team, logins)
        if error:
            self.add_error("contributors", error)
        else:
            self.identity = work_identity(team, logins)
        return cleaned_data

    def save(self, commit=True):
        # The only many-to-many relation of a piece of work is its contributors, which go through
        # Contribution rows: ModelForm's own save_m2m (set() with the cleaned value) does not
        # apply, so this form's saves them itself (now, or with save_m2m() after commit=False).
        work = super().save(commit=False)
        logins = self.cleaned_data["contributors"]
        work.set_identity(logins)

        def save_m2m():
            set_contributors(work, logins)

        self.save_m2m = save_m2m
        if commit:
            work.save()
            save_m2m()
        return work


def marked_for_deletion(formset, form):
    """Whether the form's "delete" box is ticked (a form without the box is kept)."""
    return formset.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME, False)


class WorkInlineFormSet(BaseInlineFormSet):
    """The pieces of work of one task: no two may share a team, or without a team, contributors."""

    def clean(self):
        super().clean()
        kept, leaving = {}, set()
        for form in self.forms:
            if marked_for_deletion(self, form):
                leaving.add(form.stored_identity)
                continue
            if form.identity is None:
                continue
            if form.identity in kept:
                form.add_error(field_for(form.identity), duplicate_message(form.identity))
                continue
            kept[form.identity] = form
            if form.stored_identity and form.stored_identity != form.identity:
                leaving.add(form.stored_identity)
        # Every piece of work of the task is in the formset. The formset saves the existing works
        # in their order (deleting or changing each), then the new ones: an existing work may not
        # take over the identity that a later one gives up, which still holds it in the database.
        position = {form: index for index, form in enumerate(self.initial_forms)}
        for holder in self.initial_forms:
            identity = holder.stored_identity
            taker = kept.get(identity)
            if (
                identity in leaving
                and taker is not None
                and position.get(taker, len(position)) < position[holder]
            ):
                taker.add_error(
                    field_for(identity),
                    _(
                        "A piece of work listed below this one still uses this team or these "
                        "contributors: save its change first, then this one."
                    ),
                )


def field_for(identity):
    return "team" if identity.startswith("team:") else "contributors"


class ContributionFormSet(BaseInlineFormSet):
    """The contributions on a piece of work's own page: its identity when it has no team.

    ``self.instance`` is the piece of work as its form is about to save it (new team, new status).
    """

    def clean(self):
        super().clean()
        work = self.instance
        if work.task_id is None or any(self.errors):
            return
        logins = [
            form.cleaned_data["participant"].login
            for form in self.forms
            if form.cleaned_data.get("participant") and not marked_for_deletion(self, form)
        ]
        error = contributors_error(work.status, work.team, logins)
        if error:
            raise ValidationError(error)
        identity = work_identity(work.team, logins)
        others = Work.objects.filter(task=work.task_id, identity=identity).exclude(pk=work.pk)
        if others.exists():
            raise ValidationError(duplicate_message(identity))
        # The work's form saves it before these contributions: with its identity already.
        work.set_identity(logins)
