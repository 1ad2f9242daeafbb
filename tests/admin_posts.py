"""What the admin's pages post (management forms, inline rows, the task page's form) and read
back, for the admin tests of every app."""

from django.urls import reverse

from tasks.choices import WorkStatus


def changelist(model):
    return reverse(f"admin:{model}_changelist")


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, forms):
    """Inline rows as posted: {"works-0-status": ..., ...} from a list of dicts."""
    return {
        f"{prefix}-{index}-{name}": value
        for index, form in enumerate(forms)
        for name, value in form.items()
    }


def work_row(**fields):
    row = {
        "status": WorkStatus.COMPLETED,
        "team": "",
        "contributors": "",
        "grade": "",
        "reward": "",
        "submitted_on": "",
        "completed_on": "",
        "pr_urls": "",
        "notes": "",
    }
    row.update(fields)
    return row


def existing_work_row(work, **fields):
    logins = "; ".join(c.participant.login for c in work.contributions.order_by("id"))
    row = work_row(
        id=str(work.pk), status=work.status, team=work.team, contributors=logins, grade=work.grade
    )
    row.update(fields)
    return row


def task_form(task=None, **fields):
    """What the task page posts: the task's fields, without any work rows yet."""
    data = {
        "track": str(task.track_id) if task else "",
        "batch": task.batch if task else "",
        "code": task.code if task else "",
        "title": task.title if task else "",
        "direction": str(task.direction_id or "") if task else "",
        "stars": str(task.stars or "") if task else "",
        "issue_url": "",
        "description": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def post_task_works(client, task, works, initial):
    data = {**task_form(task), **management("works", len(works), initial), **rows("works", works)}
    return client.post(reverse("admin:tasks_task_change", args=[task.pk]), data)


def inline_errors(response):
    """The errors of each work row the task page shows again."""
    formset = response.context["inline_admin_formsets"][0].formset
    return [form.errors for form in formset.forms]


def logins_of(work):
    return sorted(c.participant.login for c in work.contributions.all())


def work_form(work, **fields):
    """What a piece of work's own page posts: its fields, without any contribution rows yet."""
    data = {
        "task": str(work.task_id),
        "status": work.status,
        "team": work.team,
        "grade": work.grade,
        "reward": "",
        "submitted_on": "",
        "completed_on": "",
        "pr_urls": "",
        "notes": "",
        "_save": "Save",
    }
    data.update(fields)
    return data
