from django.core.paginator import Paginator
from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from hackathon.access import get_edition_or_404
from hackathon.caching import public_response
from hackathon.params import page_number
from participants.models import Participant
from tasks.filters import SORTS, TASK_PARAMETERS, TaskFilter, task_status, with_works
from tasks.models import Task, Work
from tasks.stats import reward_expression

PAGE_SIZE = 50


def sort_headers(current):
    """For each sortable column: the sort value its header links to, and its aria-sort state."""
    headers = {}
    for column in SORTS:
        if current == column:
            headers[column] = {"next": f"-{column}", "state": "ascending"}
        elif current == f"-{column}":
            headers[column] = {"next": column, "state": "descending"}
        else:
            headers[column] = {"next": column, "state": ""}
    return headers


@public_response(*TASK_PARAMETERS, "page")
def task_list(request, slug):
    """The task browser: the edition's published tasks, filtered, sorted and paginated."""
    edition = get_edition_or_404(slug, request.user)
    number = page_number(request.GET)
    task_filter = TaskFilter(request.GET, edition=edition)
    results = None
    # Filters that are not valid are a 400: the page shows each one's error and no tasks.
    status = 400
    if task_filter.is_valid():
        status = 200
        sort = task_filter.form.cleaned_data.get("sort") or [""]
        tasks = with_works(task_filter.qs)
        page = Paginator(tasks, PAGE_SIZE).get_page(number)
        context = {
            "edition": edition,
            "page_obj": page,
            "rows": [(task, task_status(task)) for task in page],
            "sort_headers": sort_headers(sort[0]),
        }
        results = render_to_string("includes/task_results.html", context, request=request)
    return render(
        request,
        "tasks/task_list.html",
        {"edition": edition, "filter": task_filter, "results": results},
        status=status,
    )


@public_response()
def task_detail(request, slug, pk):
    """A task: its facts, mentors, and every piece of work with its people and reward."""
    edition = get_edition_or_404(slug, request.user)
    works = Work.objects.annotate(effective_reward=reward_expression(""))
    mentors = Participant.objects.order_by(Lower("login"))
    tasks = (
        with_works(Task.objects.for_edition(edition).published(), works)
        .annotate(
            nominal_reward=ExpressionWrapper(
                F("stars") * F("track__edition__yuan_per_star"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
        .prefetch_related(Prefetch("mentors", queryset=mentors))
    )
    task = get_object_or_404(tasks, pk=pk)
    return render(
        request,
        "tasks/task_detail.html",
        {"edition": edition, "task": task, "status": task_status(task)},
    )
