"""The task browser's filters: one FilterSet for the page and the API, with readable URL values.

/editions/7th/tasks/?track=individual&status=completed&stars_min=2&q=ind-03&sort=-stars
"""

import re
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from tasks.choices import TaskProgress
from tasks.models import Contribution, Direction, Task, Work, task_order

# The URL values of the status filter, and the API's task status: open, claimed, ...
STATUS_SLUGS = {progress: progress.name.lower() for progress in TaskProgress}
STATUS_BY_SLUG = {slug: progress for progress, slug in STATUS_SLUGS.items()}

# Track order, then batch, then the code's number: the order the tracking issues list tasks in.
DEFAULT_ORDER = [*task_order(), "pk"]

# sort parameter → the fields it orders by.
SORTS = {
    "code": ["position", "code"],
    "title": ["title"],
    "stars": ["stars"],
    "status": ["progress"],
}


def status_slug(task):
    """The readable status of a task (its stored progress)."""
    return STATUS_SLUGS[TaskProgress(task.progress)]


def task_status(task):
    return TaskProgress(task.progress)


class LazyChoices(BaseChoiceIterator):
    """Choices read from the database when first needed (rendering, or validating a value)."""

    def __init__(self, load):
        self.load = load

    @cached_property
    def choices(self):
        return list(self.load())

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)


# What a stars filter accepts: a task's stars as the database keeps them (tasks.models.Task.stars:
# up to 100, three decimals), in plain ASCII decimals. No exponent (1E-999999999 overflows
# PostgreSQL's numeric), no Unicode digits (١), no NaN or infinity.
STARS_TEXT = re.compile(r"[0-9]{1,3}(\.[0-9]{0,3})?|\.[0-9]{1,3}")
MAX_STARS = 100


class StarsField(forms.DecimalField):
    """A number of stars from 0 to 100 with at most three decimals (0.025, 2, 13.5)."""

    def __init__(self, **kwargs):
        kwargs.update(min_value=0, max_value=MAX_STARS, max_digits=6, decimal_places=3)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not STARS_TEXT.fullmatch(value.strip()):
            raise forms.ValidationError(
                _(
                    "Enter a number of stars from 0 to %(max)s with at most three decimals, "
                    "such as 0.25."
                ),
                code="invalid",
                params={"max": MAX_STARS},
            )
        return super().to_python(value.strip())


class StarsFilter(django_filters.NumberFilter):
    field_class = StarsField


class TaskFilterForm(forms.Form):
    """The filter form; its labels stand above their fields, with no colon after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TaskOrderingFilter(django_filters.OrderingFilter):
    """Sorts by one of SORTS, ascending or descending; tasks without stars come last either way.

    The default order breaks ties, so that pages do not overlap.
    """

    descending_fmt = _("%s (descending)")

    def filter(self, qs, value):
        ordering = []
        for param in filter(None, value or []):
            descending = param.startswith("-")
            for field in SORTS[param.removeprefix("-")]:
                expression = F(field)
                ordering.append(
                    expression.desc(nulls_last=True)
                    if descending
                    else expression.asc(nulls_last=True)
                )
        return qs.order_by(*ordering, *DEFAULT_ORDER)


class TaskFilter(django_filters.FilterSet):
    """Filters an edition's published tasks: ``TaskFilter(request.GET, queryset, edition=edition)``.

    The queryset defaults to every task; it is narrowed to the edition's published tasks and
    sorted in the default order here, whatever the caller passes.
    """

    track = django_filters.ChoiceFilter(
        field_name="track__slug", label=_("Track"), empty_label=_("All tracks")
    )
    batch = django_filters.ChoiceFilter(label=_("Batch"), empty_label=_("All batches"))
    direction = django_filters.ChoiceFilter(
        field_name="direction__name", label=_("Direction"), empty_label=_("All directions")
    )
    status = django_filters.ChoiceFilter(
        choices=[(slug, progress.label) for progress, slug in STATUS_SLUGS.items()],
        method="filter_status",
        label=_("Status"),
        empty_label=_("Any status"),
    )
    stars = StarsFilter(label=_("Stars"))
    stars_min = StarsFilter(field_name="stars", lookup_expr="gte", label=_("At least stars"))
    stars_max = StarsFilter(field_name="stars", lookup_expr="lte", label=_("At most stars"))
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        help_text=_("Code, title, team or GitHub login"),
    )
    sort = TaskOrderingFilter(
        fields=[(field, field) for field in SORTS],
        field_labels={
            "code": _("Code"),
            "title": _("Title"),
            "stars": _("Stars"),
            "status": _("Status"),
        },
        label=_("Sort by"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Task
        fields = []
        form = TaskFilterForm

    def __init__(self, data=None, queryset=None, *, edition, **kwargs):
        queryset = Task.objects.all() if queryset is None else queryset
        queryset = queryset.for_edition(edition).published()
        super().__init__(data, queryset.order_by(*DEFAULT_ORDER), **kwargs)
        self.edition = edition
        for name in ("track", "batch", "direction"):
            self.filters[name].extra["choices"] = LazyChoices(getattr(self, f"{name}_choices"))

    def track_choices(self):
        return [(track.slug, track.local_name) for track in self.edition.tracks.all()]

    def batch_choices(self):
        batches = (
            Task.objects.for_edition(self.edition)
            .published()
            .exclude(batch="")
            .order_by()
            .values("batch")
            .annotate(first=Min("pk"))
            .order_by("first")
            .values_list("batch", flat=True)
        )
        return [(batch, batch) for batch in batches]

    def direction_choices(self):
        used = Task.objects.for_edition(self.edition).published().filter(direction=OuterRef("pk"))
        return [
            (direction.name, direction.local_name)
            for direction in Direction.objects.filter(Exists(used))
        ]

    def filter_status(self, queryset, name, value):
        return queryset.filter(progress=STATUS_BY_SLUG[value])

    def search(self, queryset, name, value):
        works = Work.objects.filter(task=OuterRef("pk"))
        return queryset.filter(
            Q(code__icontains=value)
            | Q(title__icontains=value)
            | Exists(works.filter(team__icontains=value))
            | Exists(works.filter(contributions__participant__login__icontains=value))
        )


# The query parameters of the task browser, its exports and its API.
TASK_PARAMETERS = tuple(TaskFilter.base_filters)


def with_works(tasks, works=None):
    """Tasks with their pieces of work and the people on them, in three queries in all."""
    contributions = Contribution.objects.select_related("participant").order_by("pk")
    works = Work.objects.all() if works is None else works
    works = works.order_by("pk").prefetch_related(Prefetch("contributions", queryset=contributions))
    return tasks.select_related("track", "direction").prefetch_related(
        Prefetch("works", queryset=works)
    )
