"""/api/docs/: the OpenAPI schema as a readable page (Swagger UI).

Swagger UI is served from the site itself (drf-spectacular-sidecar's copy, collected with the other
static files), so the page works offline and under the site's Content-Security-Policy: no CDN, no
inline script (the page's one script, static/js/api-docs.js, reads the schema's address from the
page). Swagger UI's stylesheet draws its icons as ``data:`` images: this page, and no other, allows
images from ``data:`` URIs.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.shortcuts import render

from hackathon.caching import public_response


@csp_replace({"img-src": [SELF, "data:"]})
@public_response()
def api_docs(request):
    return render(request, "hackathon/api_docs.html")
