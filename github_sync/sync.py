"""Reconciliation with GitHub (docs/github.md, "Reconciliation"): what webhooks may have missed.

For each track of an edition that has a PR title prefix or a tracking issue, a run reads through
GitHub's REST API (githubkit, with the ``GITHUB_TOKEN`` setting):

- the PRs of the repositories the track counts (its ``repositories``, its RFC repositories and
  its tracking issue's repository), most recently updated first, down to those last updated
  before the edition started (less ``SINCE``); only those whose title carries a track's prefix
  matter;
- the comments of its tracking issue.

It applies them with the webhook's own functions (``apply_pull``, ``read_comment``, ``sign_up``,
``withdrawal``), so the same rules hold: statuses only move forward, the first accepted wins. The
comments first, in the order they were written, each person's last word on a task winning (a
sign-up then its withdrawal is no sign-up: running twice changes nothing the second time); then
the PRs, in the order they were merged or opened.

Every list is read page by page with conditional requests: each page's ETag is kept
(``GitHubPage``) with the items on it that may matter, so a page that has not changed since the
last run is answered "304 Not Modified" (which costs no rate limit) and its kept items are
applied again. A rate limit that resets within ``MAX_WAIT`` seconds is waited for; a later one
stops the run before it changes anything, with the time to run it again.
"""

import logging
import re
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from github_sync.comments import SignUp, read_comment, sign_up, withdrawal
from github_sync.models import GitHubPage, SyncRun
from github_sync.pulls import Outcome, apply_pull, person_for
from hackathon.history import change_reason
from tracks.models import Track, repository_names

logger = logging.getLogger(__name__)

PER_PAGE = 100
# PRs last updated this long before the edition's first day are not read (early batches open
# before the launch).
SINCE = timedelta(days=30)
# A rate limit that resets within this many seconds is waited for; a later one stops the run.
MAX_WAIT = 60
ISSUE_URL = re.compile(
    r"https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+)/issues/"
    r"(?P<number>[0-9]+)/?"
)
NEXT_LINK = re.compile(r'<([^<>]+)>;\s*rel="next"')
sleep = time.sleep  # the tests wait no real time
# What githubkit is told to wait after this module waited (it waits a minute for a zero).
WAITED = timedelta(microseconds=1)


class SyncRefused(Exception):
    """Why a run cannot start, or stopped: a message for the organizer."""


# What to sync --------------------------------------------------------------------------------


def tracks_to_sync(edition, kind=None):
    """The edition's tracks a run reads for: those with a PR title prefix or a tracking issue
    (only the one of ``kind``, its kind or slug, when given)."""
    tracks = list(edition.tracks.order_by("order", "pk"))
    if kind:
        tracks = [track for track in tracks if kind in (track.kind, track.slug)]
        if not tracks:
            raise SyncRefused(
                _("The edition %(edition)s has no track “%(track)s”.")
                % {"edition": edition.slug, "track": kind}
            )
    tracks = [track for track in tracks if track.pr_title_prefix or track.tracking_issue_url]
    if not tracks:
        raise SyncRefused(
            _(
                "Nothing to read on GitHub: no track of %(edition)s has a PR title prefix or a "
                "tracking issue (set them on the track's admin page)."
            )
            % {"edition": edition.slug}
        )
    return tracks


def check_token():
    if not settings.GITHUB_TOKEN:
        raise SyncRefused(
            _(
                "GITHUB_TOKEN is not set: the sync reads GitHub's API with a token (a "
                "fine-grained token with read-only access to public repositories is enough; "
                "docs/github.md)."
            )
        )


def tracking_issue(track):
    """(owner, repository, number) of the track's tracking issue, or None."""
    match = ISSUE_URL.fullmatch(track.tracking_issue_url.strip())
    if not match:
        return None
    return match["owner"], match["repo"], int(match["number"])


def repositories_of(track):
    """The repositories whose PRs count for the track: its own list, its RFC repositories and
    its tracking issue's repository (each once, in that order)."""
    names = repository_names(track.repositories) + repository_names(track.rfc_repositories)
    issue = tracking_issue(track)
    if issue:
        names.append(f"{issue[0]}/{issue[1]}")
    unique = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return list(unique.values()) if track.pr_title_prefix else []


# Starting a run ------------------------------------------------------------------------------


def new_run(edition, kind=None, *, dry_run=False, user=None):
    """A run's record, queued, for the edition's tracks (the one of ``kind`` when given).
    Raises SyncRefused when it cannot run: no token, no such track, nothing to read."""
    check_token()
    tracks = tracks_to_sync(edition, kind)
    return SyncRun.objects.create(
        edition=edition,
        track=tracks[0] if kind else None,
        dry_run=dry_run,
        created_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def start(edition, kind=None, *, dry_run=False, user=None):
    """A background run: its record, and its task enqueued in the same transaction (a worker
    never sees the task without its run; the immediate backend runs it now)."""
    with transaction.atomic():
        run = new_run(edition, kind, dry_run=dry_run, user=user)
        run_sync.enqueue(run.pk)
    return run


def run_now(edition, kind=None, *, dry_run=False):
    """A run in the foreground (the command); returns it finished."""
    run = claim(new_run(edition, kind, dry_run=dry_run).pk)
    return execute(run)


@task()
def run_sync(run_id: int):
    """Run a queued run once (a task delivered twice runs it once)."""
    run = claim(run_id)
    if run is not None:
        execute(run)
        return run.state
    return None


def claim(run_id):
    """The run, now running, or None when another worker has it (or had it)."""
    updated = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
        state=SyncRun.State.RUNNING, started_at=timezone.now()
    )
    if not updated:
        return None
    return SyncRun.objects.select_related("edition", "track").get(pk=run_id)


def execute(run):
    """Read and apply; the outcome is kept on the run."""
    language = run.language or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            check_token()
            tracks = tracks_to_sync(run.edition, run.track.slug if run.track else None)
            run.lines = []
            with client(run) as github:
                pulls, comments = Reader(github, run).read(tracks, since(run.edition))
            apply(run, tracks, pulls, comments)
        except SyncRefused as refusal:
            run.state, run.error = SyncRun.State.FAILED, str(refusal)
        except Exception:
            logger.exception("GitHub sync run %s failed", run.pk)
            run.state = SyncRun.State.FAILED
            run.error = _("The sync failed: nothing was changed. Try it again.")
        else:
            run.state = SyncRun.State.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


def summary(run):
    """The run's counts in a sentence."""
    text = _(
        "Run %(run)d: %(pulls)d PRs and %(comments)d comments read, %(changes)d changes made "
        "(%(requests)d requests to GitHub, %(unchanged)d of them answered “not modified”)."
    ) % {
        "run": run.pk,
        "pulls": run.pulls_read,
        "comments": run.comments_read,
        "changes": run.changes,
        "requests": run.requests,
        "unchanged": run.not_modified,
    }
    if run.dry_run:
        text += " " + _("A dry run: nothing was saved.")
    return text


def since(edition):
    start = datetime.combine(edition.starts_on - SINCE, datetime.min.time())
    return timezone.make_aware(start)


# Reading -------------------------------------------------------------------------------------


class RateLimitPolicy:
    """githubkit's retry decision: a rate limit that resets within MAX_WAIT seconds is waited
    for (once per request), a server error is retried twice; anything else is raised."""

    def __init__(self, run):
        self.run = run

    def __call__(self, exc, retry_count):
        from githubkit.exception import RateLimitExceeded, RequestFailed
        from githubkit.typing import RetryOption

        if isinstance(exc, RateLimitExceeded):
            seconds = exc.retry_after.total_seconds()
            if retry_count >= 1 or seconds > MAX_WAIT:
                return RetryOption(False)
            self.run.lines.append(
                f"waited {round(seconds)} s for GitHub's rate limit ({exc.request.url.path})"
            )
            sleep(seconds)
            return RetryOption(True, WAITED)
        if isinstance(exc, RequestFailed) and exc.response.status_code >= 500 and retry_count < 2:
            sleep(retry_count + 1)
            return RetryOption(True, WAITED)
        return RetryOption(False)


def client(run):
    from githubkit import GitHub

    return GitHub(
        settings.GITHUB_TOKEN,
        auto_retry=RateLimitPolicy(run),
        http_cache=False,  # the ETags are kept in the database, between runs (GitHubPage)
        user_agent="hackathon-results",
        timeout=30,
    )


class Reader:
    """Reads the lists a run needs, page by page, conditionally; counts what it reads on the
    run as it goes (the run's page shows it)."""

    def __init__(self, github, run):
        self.github = github
        self.run = run
        prefixes = Track.objects.exclude(pr_title_prefix="").values_list(
            "pr_title_prefix", flat=True
        )
        self.prefixes = sorted({prefix.lower() for prefix in prefixes})
        self.scope = "\n".join(self.prefixes)

    def read(self, tracks, cutoff):
        """The PRs (by repository) and comments (by track) that may matter."""
        from githubkit.exception import RateLimitExceeded, RequestError, RequestFailed

        comments, pulls = {}, {}
        repositories = {name.lower(): name for t in tracks for name in repositories_of(t)}
        try:
            for track in tracks:
                issue = tracking_issue(track)
                if issue:
                    comments[track] = self.missing_is_empty(self.comments, *issue)
                elif track.tracking_issue_url:
                    self.run.lines.append(
                        f"{track.tracking_issue_url}: not a GitHub issue's address; the "
                        "comments of this tracking issue were not read"
                    )
            for repository in repositories.values():
                pulls[repository] = self.missing_is_empty(self.pulls, repository, cutoff)
        except RateLimitExceeded as exc:
            until = timezone.localtime(timezone.now() + exc.retry_after)
            raise SyncRefused(
                _(
                    "GitHub's rate limit is used up until %(time)s: nothing was changed. Run the "
                    "sync again after that."
                )
                % {"time": formats.date_format(until, "Y-m-d H:i:s")}
            ) from exc
        except RequestFailed as exc:
            raise SyncRefused(
                _("GitHub answered %(status)s to %(url)s: nothing was changed.")
                % {"status": exc.response.status_code, "url": exc.request.url.path}
            ) from exc
        except RequestError as exc:
            raise SyncRefused(
                _("GitHub could not be reached (%(error)s): nothing was changed.")
                % {"error": exc.exc}
            ) from exc
        return pulls, comments

    def missing_is_empty(self, read, *args):
        """What ``read`` reads, or nothing when GitHub has no such repository or issue (a
        typing error in a track's settings is a line of the outcome, not a stop)."""
        from githubkit.exception import RequestFailed

        try:
            return read(*args)
        except RequestFailed as exc:
            if exc.response.status_code != 404:
                raise
            self.run.lines.append(
                f"{exc.request.url.path}: not found on GitHub (404); nothing was read there"
            )
            return []

    def pulls(self, repository, cutoff):
        owner, name = repository.split("/", 1)
        items = {}
        page = 1
        while page:
            url = (
                f"/repos/{owner}/{name}/pulls?state=all&sort=updated&direction=desc"
                f"&per_page={PER_PAGE}&page={page}"
            )
            kept = self.page(
                url,
                lambda number, headers: self.github.rest.pulls.list(
                    owner,
                    name,
                    state="all",
                    sort="updated",
                    direction="desc",
                    per_page=PER_PAGE,
                    page=number,
                    headers=headers,
                ),
                page,
                self.keep_pulls,
                self.scope,
            )
            self.run.pulls_read += kept.count
            self.progress()
            for item in kept.items:  # a PR updated while the pages were read shows twice
                items.setdefault(item["html_url"], item)
            if kept.oldest and kept.oldest < cutoff:
                break
            page = kept.next_page
        return list(items.values())

    def comments(self, owner, name, number):
        items = []
        page = 1
        while page:
            url = f"/repos/{owner}/{name}/issues/{number}/comments?per_page={PER_PAGE}&page={page}"
            kept = self.page(
                url,
                lambda page_number, headers: self.github.rest.issues.list_comments(
                    owner, name, number, per_page=PER_PAGE, page=page_number, headers=headers
                ),
                page,
                self.keep_comments,
                "报名",
            )
            self.run.comments_read += kept.count
            self.progress()
            items.extend(kept.items)
            page = kept.next_page
        return items

    def page(self, url, fetch, number, keep, scope):
        """One page, asked for with the ETag of the last time it was read (when its items were
        chosen by the same ``scope``); kept again when it changed."""
        kept = GitHubPage.objects.filter(url=url, scope=scope).first()
        headers = {"If-None-Match": kept.etag} if kept else None
        response = fetch(number, headers)
        self.run.requests += 1
        remaining = response.headers.get("x-ratelimit-remaining", "")
        if remaining.isdigit():
            self.run.rate_limit_remaining = int(remaining)
        if response.status_code == 304 and kept is not None:
            self.run.not_modified += 1
            if kept.next_page is None and kept.count == PER_PAGE:
                # A full last page: a page after it may have appeared since (the Link of a
                # 304 is not read).
                kept.next_page = number + 1
            return kept
        data = response.parsed_data
        items, oldest = keep(data)
        values = {
            "etag": response.headers.get("etag", ""),
            "scope": scope,
            "items": items,
            "count": len(data),
            "next_page": next_page(response.headers.get("link", "")),
            "oldest": oldest,
        }
        if not values["etag"]:
            return GitHubPage(url=url, **values)
        return GitHubPage.objects.update_or_create(url=url, defaults=values)[0]

    def keep_pulls(self, pulls):
        """The PRs of a page whose title carries a track's prefix, with the fields the rules
        read; and when the least recently updated PR of the page was updated."""
        kept = [
            {
                "number": pull.number,
                "title": text(pull.title),
                "html_url": pull.html_url,
                "state": pull.state,
                "user": {"login": pull.user.login if pull.user else ""},
                "created_at": pull.created_at.isoformat(),
                "merged_at": pull.merged_at.isoformat() if pull.merged_at else None,
                "base": {"repo": {"full_name": pull.base.repo.full_name}},
            }
            for pull in pulls
            if any(prefix in pull.title.lower() for prefix in self.prefixes)
        ]
        return kept, min((pull.updated_at for pull in pulls), default=None)

    def keep_comments(self, comments):
        """The comments of a page that may sign someone up (they mention 报名)."""
        kept = [
            {
                "id": comment.id,
                "html_url": comment.html_url,
                "body": text(comment.body),
                "user": {"login": comment.user.login if comment.user else ""},
            }
            for comment in comments
            if "报名" in (comment.body or "")
        ]
        return kept, None

    def progress(self):
        SyncRun.objects.filter(pk=self.run.pk).update(
            pulls_read=self.run.pulls_read,
            comments_read=self.run.comments_read,
            requests=self.run.requests,
            not_modified=self.run.not_modified,
            rate_limit_remaining=self.run.rate_limit_remaining,
        )


def text(value):
    """A string as a JSON column takes it: PostgreSQL's jsonb refuses NUL."""
    return (value or "").replace("\x00", "")


def next_page(link):
    """The number of the next page a Link header names, or None."""
    match = NEXT_LINK.search(link)
    if not match:
        return None
    pages = parse_qs(urlsplit(match.group(1)).query).get("page", [])
    return int(pages[0]) if pages and pages[0].isdigit() else None


# Applying ------------------------------------------------------------------------------------


def apply(run, tracks, pulls, comments):
    """Apply what was read with the webhook's rules, in one transaction (rolled back for a dry
    run, after counting what it would change)."""
    lines = []
    with transaction.atomic(), change_reason(run.reason, run.created_by):
        for track, items in comments.items():
            for url, outcome in apply_comments(track, items):
                lines.extend(notable(url, outcome))
                run.changes += outcome.changes
        ordered = sorted(
            (pull for items in pulls.values() for pull in items),
            key=lambda pull: (pull["merged_at"] or pull["created_at"], pull["number"]),
        )
        for pull in ordered:
            outcome = apply_pull(pull, tracks=tracks)
            lines.extend(notable(pull["html_url"], outcome))
            run.changes += outcome.changes
        run.lines.extend(lines)
        if run.dry_run:
            transaction.set_rollback(True)


def apply_comments(track, items):
    """Each person's last word on each task (a sign-up or a withdrawal), applied in the order
    of the comments that said it."""
    last = {}
    for item in items:
        read = read_comment(track.tracking_issue_url, item, track=track)
        if isinstance(read, Outcome):
            if any(step.problem for step in read.steps):
                yield item["html_url"], read
            continue
        for number in read.numbers:
            key = (read.login.lower(), number)
            last.pop(key, None)  # moves to the end: the order of the last word
            last[key] = (item["html_url"], read)
    for (_login, number), (url, read) in last.items():
        yield url, apply_comment(read, number)


def apply_comment(read: SignUp, number):
    with transaction.atomic():
        person = person_for(read.login)
        apply = withdrawal if read.withdraw else sign_up
        return Outcome([apply(read.track, number, person)])


def line_parts(line):
    """(the GitHub address, the rest) of an outcome line, or ("", line) when it names none."""
    address, separator, text = line.partition(": ")
    if separator and address.startswith("https://github.com/"):
        return address, text
    return "", line


def notable(url, outcome):
    """The lines of an outcome an organizer reads: what changed, and what to look at."""
    return [f"{url}: {step.text}" for step in outcome.steps if step.changed or step.problem]
