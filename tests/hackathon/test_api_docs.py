import re

import pytest

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DOCS_POLICY = {**POLICY, "img-src": "'self' data:"}


def policy(response):
    """The Content-Security-Policy header as {directive: sources} (its order is not fixed)."""
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_api_docs_page_runs_swagger_ui_from_the_site_itself(client):
    response = client.get("/api/docs/")

    page = response.content.decode()
    assert re.findall(r'<script[^>]*src="([^"]+)"', page) == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
    ]
    assert re.findall(r"<script>|<style|style=", page) == []
    assert 'data-schema-url="/api/openapi.json"' in page


def test_every_page_has_the_policy_and_only_the_api_docs_allow_data_images(client):
    home, docs = client.get("/"), client.get("/api/docs/")

    assert (policy(home), policy(docs)) == (POLICY, DOCS_POLICY)


def test_the_api_docs_page_is_a_cached_public_response(client):
    first = client.get("/api/docs/")
    again = client.get("/api/docs/", headers={"If-None-Match": first["ETag"]})

    assert (again.status_code, policy(again)) == (304, DOCS_POLICY)
