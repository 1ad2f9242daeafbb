"""Load the demo: the PaddlePaddle Hackathon's 6th edition, public, and a demo organizer account."""

import datetime
import zoneinfo
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from hackathon.models import Edition
from participants.background import rebuild_results
from participants.certificates import issue_certificates
from tasks.importing import import_tasks

DEMO_FILE = Path(__file__).resolve().parent.parent.parent / "demo" / "paddle6.csv"
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

SIXTH = {
    "number": 6,
    "name": "飞桨黑客马拉松第六期",
    "name_en": "PaddlePaddle Hackathon 6th",
    "description": (
        "PaddlePaddle Hackathon, 6th edition: the individual contribution challenge, the "
        "mentorship camp and Fundable Projects. Compiled from the public task lists, tracking "
        "issues and the results post of 2024-08-23."
    ),
    "starts_on": datetime.date(2024, 3, 21),
    "results_published_at": datetime.datetime(2024, 8, 23, 12, 0, tzinfo=BEIJING),
    "is_public": True,
    "yuan_per_star": 2000,
}
DEMO_USERNAME = "organizer"
DEMO_PASSWORD = "hackathon-demo"  # a demo-only account, printed on purpose


class Command(BaseCommand):
    help = "Load the 6th edition as demo data and create a demo organizer account (demo only)."

    def handle(self, *args, **options):
        with transaction.atomic():
            edition, created = Edition.objects.update_or_create(slug="6th", defaults=SIXTH)
            report = import_tasks(DEMO_FILE.read_bytes(), DEMO_FILE.name, edition)
            # The article-writing track's English name (the standard tracks get theirs on import).
            edition.tracks.filter(name="优秀稿件征集与传播", name_en="").update(
                name_en="Outstanding articles"
            )
            certificates = issue_certificates(edition)
            # Score rows from before an upgrade are rebuilt (cheap at the demo's size).
            rebuild_results.call()
            user = self.demo_organizer()
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} the edition {edition.name} ({edition.slug}).")
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  certificates: {len(certificates)} issued.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organizer (demo only): user {user.username!r}, password {DEMO_PASSWORD!r}"
                " at http://127.0.0.1:8000/admin/"
            )
        )

    def demo_organizer(self):
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        # A new password hash would sign the organizer out of a running demo: set it only when it
        # is not the demo's already.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name="Organizers"))
        return user
