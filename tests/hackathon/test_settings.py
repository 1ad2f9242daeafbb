import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from hackathon.settings import BASE_DIR, envbool, envint, envlist


def test_envbool_accepts_only_true_or_false(monkeypatch):
    monkeypatch.setenv("FLAG", "TRUE")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be 'true' or 'false', not 'yes'"):
        envbool("FLAG", False)


def test_unset_variables_take_their_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert (envbool("FLAG", True), envint("FLAG", 3), envlist("FLAG", ["a"])) == (True, 3, ["a"])


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "example.org, www.example.org,")
    assert envlist("HOSTS", []) == ["example.org", "www.example.org"]


def settings_in_a_fresh_process(
    printed="settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.TIME_ZONE, "
    "settings.LANGUAGE_CODE",
    **environ,
):
    """Load the settings in a new Python with this environment and print ``printed``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    env.update(environ, DJANGO_SETTINGS_MODULE="hackathon.settings")
    code = f"import django; django.setup(); from django.conf import settings; print({printed})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_in_a_fresh_process(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_with_nothing_set_the_app_runs_on_sqlite_in_debug():
    result = settings_in_a_fresh_process()

    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "Asia/Shanghai",
        "zh-hans",
    ]


def test_database_url_selects_postgresql():
    result = settings_in_a_fresh_process(
        DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db.example:5432/results"
    )

    assert result.stdout.split()[:2] == ["False", "django.db.backends.postgresql"]


def test_postgresql_connections_get_a_work_mem_for_their_sorts():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env.update(
        DATABASE_URL="postgres://u@db.example:5432/results",
        PG_WORK_MEM="64MB",
        DJANGO_SETTINGS_MODULE="hackathon.settings",
    )
    code = "import django; django.setup(); from django.conf import settings; " \
        "print(settings.DATABASES['default']['OPTIONS']['options'])"  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip() == "-c work_mem=64MB"


def test_a_work_mem_that_is_not_a_size_stops_the_start():
    result = settings_in_a_fresh_process(
        DATABASE_URL="postgres://u@db.example:5432/results",
        PG_WORK_MEM="64MB -c statement_timeout=0",
    )

    assert result.returncode != 0
    assert "PG_WORK_MEM must be a size such as 32MB, not '64MB -c statement_timeout=0'" in (
        result.stderr
    )


def test_a_replica_url_adds_a_replica_that_mirrors_the_primary_in_tests():
    result = settings_in_a_fresh_process(
        "settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['TEST']['MIRROR'],"
        " settings.DATABASE_ROUTERS[0]",
        DATABASE_URL="postgres://u@primary.example:5432/results",
        DATABASE_REPLICA_URL="postgres://u@replica.example:5432/results",
    )

    assert result.stdout.split() == [
        "replica.example",
        "default",
        "hackathon.routers.ReplicaRouter",
    ]
