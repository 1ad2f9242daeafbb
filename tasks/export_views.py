"""The task list as a download (CSV or JSON, streamed), with the task browser's filters:
/editions/<slug>/tasks.csv?track=camp&status=completed."""

from django.http import JsonResponse

from hackathon.access import get_edition_or_404
from hackathon.caching import public_response
from hackathon.exports import export_response, format_or_404
from hackathon.ratelimits import rate_limited
from tasks.exports import TASK_HEADER, task_rows
from tasks.filters import TASK_PARAMETERS, TaskFilter


@public_response(*TASK_PARAMETERS)
@rate_limited("exports")
def task_list_export(request, slug, format):
    format_or_404(format)
    edition = get_edition_or_404(slug, request.user)
    task_filter = TaskFilter(request.GET, edition=edition)
    # Validated before the first byte: a stream cannot turn into an error once it has started.
    if not task_filter.is_valid():
        errors = {name: list(messages) for name, messages in task_filter.errors.items()}
        return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
    rows = task_rows(task_filter.qs)
    return export_response(format, TASK_HEADER, rows, f"tasks-{edition.slug}")
