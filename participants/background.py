"""Background tasks (Django's tasks API, through the django-tasks backport).

Rebuilding an edition's leaderboards and task figures costs in proportion to the edition: at a
million pieces of work it takes a minute or more, longer than a web request may take. A change
that touches everybody in an edition (its CNY per star, publishing it, a bulk load) therefore
enqueues ``rebuild_results`` in the writer's transaction: with the database backend the task row
commits with the change, and a worker (`manage.py db_worker`) runs it right after; with the
immediate backend (DEBUG, tests) it runs at once.
"""

from django_tasks import task

from hackathon.clock import clock_moved
from participants.models import Score
from participants.scores import rebuild_all, rebuild_editions
from tasks.tally import recount_all, recount_edition


@task()
def rebuild_results(edition_ids=None):
    """Recount the task figures and rebuild the leaderboards of these editions (and the
    all-time boards), or of everything when none are given; the public pages' clock moves."""
    if edition_ids is None:
        recount_all()
        rebuild_all()
    else:
        for edition_id in edition_ids:
            recount_edition(edition_id)
        rebuild_editions(edition_ids)
    clock_moved()
    return {"editions": edition_ids, "score_rows": Score.objects.count()}
