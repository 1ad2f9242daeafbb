import os
import re
import runpy
import subprocess
import sys
from types import SimpleNamespace

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


def settings_read_with(monkeypatch, **environ):
    """The settings module executed afresh with only ``environ`` in the environment (and PATH),
    as a new process would read it: its names, or the ImproperlyConfigured that stops the start.
    The module only reads the environment, so this needs no new process (that would cost most of
    a second each)."""
    for name in list(os.environ):
        if name != "PATH":
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return SimpleNamespace(**runpy.run_path(str(BASE_DIR / "hackathon" / "settings.py")))


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is false"):
        settings_read_with(monkeypatch, DEBUG="false")


def test_with_nothing_set_debug_is_off_so_the_app_refuses_to_start_without_a_secret_key(
    monkeypatch,
):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is false"):
        settings_read_with(monkeypatch)


def test_debug_is_off_unless_set(monkeypatch):
    settings = settings_read_with(monkeypatch, SECRET_KEY="x" * 50)

    assert settings.DEBUG is False
    assert settings.TASKS == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_with_debug_on_the_app_runs_on_sqlite(monkeypatch):
    settings = settings_read_with(monkeypatch, DEBUG="true")

    assert (
        settings.DEBUG,
        settings.DATABASES["default"]["ENGINE"],
        settings.TIME_ZONE,
        settings.LANGUAGE_CODE,
    ) == (True, "django.db.backends.sqlite3", "Asia/Shanghai", "zh-hans")


def test_database_url_selects_postgresql(monkeypatch):
    settings = settings_read_with(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u@db.example:5432/results",
    )

    assert (settings.DEBUG, settings.DATABASES["default"]["ENGINE"]) == (
        False,
        "django.db.backends.postgresql",
    )


def test_postgresql_connections_get_a_work_mem_for_their_sorts(monkeypatch):
    settings = settings_read_with(
        monkeypatch,
        DEBUG="true",
        DATABASE_URL="postgres://u@db.example:5432/results",
        PG_WORK_MEM="64MB",
    )

    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c work_mem=64MB"


def test_a_work_mem_that_is_not_a_size_stops_the_start(monkeypatch):
    with pytest.raises(
        ImproperlyConfigured,
        match=re.escape(
            "PG_WORK_MEM must be a size such as 32MB, not '64MB -c statement_timeout=0'"
        ),
    ):
        settings_read_with(
            monkeypatch,
            DEBUG="true",
            DATABASE_URL="postgres://u@db.example:5432/results",
            PG_WORK_MEM="64MB -c statement_timeout=0",
        )


def test_a_replica_url_adds_a_replica_that_mirrors_the_primary_in_tests(monkeypatch):
    settings = settings_read_with(
        monkeypatch,
        DEBUG="true",
        DATABASE_URL="postgres://u@primary.example:5432/results",
        DATABASE_REPLICA_URL="postgres://u@replica.example:5432/results",
    )

    assert (
        settings.DATABASES["replica"]["HOST"],
        settings.DATABASES["replica"]["TEST"]["MIRROR"],
        settings.DATABASE_ROUTERS,
    ) == ("replica.example", "default", ["hackathon.routers.ReplicaRouter"])


# Production: what `manage.py check --deploy` asks for, with only a secret and the host names set.
PRODUCTION = {"SECRET_KEY": "k3Yq-" + "x7Fp2" * 12, "ALLOWED_HOSTS": "results.example.org"}


def manage_py_in_a_clean_environment(*arguments, **environ):
    """Run manage.py with nothing in the environment but PATH and ``environ``."""
    env = {"PATH": os.environ["PATH"], **environ}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_deploy_check_passes_with_only_a_secret_key_and_allowed_hosts():
    result = manage_py_in_a_clean_environment(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_the_deploy_check_fails_on_a_plain_http_set_up():
    result = manage_py_in_a_clean_environment(
        "check", "--deploy", "--fail-level", "WARNING", HTTPS="false", **PRODUCTION
    )

    assert result.returncode == 1
    found = sorted(set(re.findall(r"\(security\.(W\d+)\)", result.stderr)))
    assert found == ["W004", "W008", "W012", "W016"]


def https_settings(settings):
    return (
        settings.SECURE_SSL_REDIRECT,
        settings.SECURE_HSTS_SECONDS,
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
        settings.SESSION_COOKIE_SECURE,
        settings.CSRF_COOKIE_SECURE,
        settings.SECURE_PROXY_SSL_HEADER,
    )


def test_https_is_required_by_default_when_debug_is_off(monkeypatch):
    settings = settings_read_with(monkeypatch, **PRODUCTION)

    assert https_settings(settings) == (
        True,
        31536000,
        True,
        True,
        True,
        ("HTTP_X_FORWARDED_PROTO", "https"),
    )


def test_https_false_is_a_plain_http_set_up(monkeypatch):
    settings = settings_read_with(monkeypatch, HTTPS="false", **PRODUCTION)

    assert https_settings(settings) == (
        False,
        0,
        True,
        False,
        False,
        ("HTTP_X_FORWARDED_PROTO", "https"),
    )


def test_https_accepts_only_true_or_false(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="HTTPS must be 'true' or 'false', not 'no'"):
        settings_read_with(monkeypatch, HTTPS="no", **PRODUCTION)


def test_plain_http_is_redirected_and_the_proxys_https_is_trusted():
    """Behind the proxy: a request it marks X-Forwarded-Proto: https is served with HSTS; one
    without is redirected to https."""
    printed = (
        "(lambda c: (c.get('/i18n/setlang/'), "
        "c.get('/i18n/setlang/', headers={'X-Forwarded-Proto': 'https'})))"
        "(__import__('django.test').test.Client(HTTP_HOST='results.example.org'))"
    )
    code = (
        "import django; django.setup(); "
        f"plain, secure = {printed}; "
        "print(plain.status_code, plain['Location'], secure.status_code, "
        "secure['Strict-Transport-Security'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hackathon.settings"}
        | PRODUCTION,
        capture_output=True,
        text=True,
    )

    assert result.stdout.split() == [
        "301",
        "https://results.example.org/i18n/setlang/",
        "302",
        "max-age=31536000;",
        "includeSubDomains;",
        "preload",
    ]


def test_uploads_go_to_the_storage_the_environment_names_and_images_may_come_from_it(
    monkeypatch,
):
    settings = settings_read_with(
        monkeypatch,
        MEDIA_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        MEDIA_STORAGE_OPTIONS='{"bucket_name": "results-media", "querystring_auth": false}',
        CSP_IMG_SRC="https://media.example.org, https://cdn.example.org",
        **PRODUCTION,
    )

    assert settings.STORAGES["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "results-media", "querystring_auth": False},
    }
    images = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert images[0] == "'self'"
    assert images[-2:] == ["https://media.example.org", "https://cdn.example.org"]


def test_storage_options_must_be_a_json_object(monkeypatch):
    with pytest.raises(
        ImproperlyConfigured, match="MEDIA_STORAGE_OPTIONS must be a JSON object, not 'bucket=x'"
    ):
        settings_read_with(monkeypatch, MEDIA_STORAGE_OPTIONS="bucket=x", **PRODUCTION)
