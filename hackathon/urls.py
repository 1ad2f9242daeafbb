from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularJSONAPIView

from github_sync import views as github_views
from hackathon import api, views
from hackathon.caching import public_response
from hackathon.images import PUBLIC_MEDIA_FOLDERS
from participants import api as participants_api
from participants import export_views as participant_exports
from participants import views as participant_views
from tasks import api as tasks_api
from tracks import views as track_views

# The JSON API, read-only (docs/api.md): each app's api.py, its serializers in serializers.py.
api_patterns = [
    path("editions/", api.edition_list, name="api_edition_list"),
    path("editions/<slug:slug>/", api.edition_detail, name="api_edition_detail"),
    path("editions/<slug:slug>/tasks/", tasks_api.task_list, name="api_task_list"),
    path(
        "editions/<slug:slug>/leaderboard/",
        participants_api.edition_leaderboard,
        name="api_edition_leaderboard",
    ),
    path("leaderboard/", participants_api.leaderboard, name="api_leaderboard"),
    path(
        "certificates/<str:serial>/",
        participants_api.certificate_detail,
        name="api_certificate_detail",
    ),
    path("people/<str:login>/", participants_api.person_detail, name="api_person_detail"),
    path("openapi.json", public_response()(SpectacularJSONAPIView.as_view()), name="api_schema"),
    path("docs/", api.api_docs, name="api_docs"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("github/webhook/", github_views.webhook, name="github_webhook"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/", include("tasks.urls")),
    path("editions/<slug:slug>/", include("results.urls")),
    path(
        "editions/<slug:slug>/leaderboard/",
        participant_views.edition_leaderboard,
        name="edition_leaderboard",
    ),
    path(
        "editions/<slug:slug>/honour-roll/",
        participant_views.honour_roll,
        name="honour_roll",
    ),
    path(
        "editions/<slug:slug>/tracks/<str:track>/tracking-issue/",
        github_views.tracking_issue_page,
        name="tracking_issue_page",
    ),
    path(
        "editions/<slug:slug>/tracks/<str:track>/tracking-issue.md",
        github_views.tracking_issue,
        name="tracking_issue",
    ),
    path(
        "editions/<slug:slug>/tracks/<str:track>/",
        track_views.track_detail,
        name="track_detail",
    ),
    path(
        "editions/<slug:slug>/leaderboard.<str:format>",
        participant_exports.edition_leaderboard_export,
        name="edition_leaderboard_export",
    ),
    path(
        "editions/<slug:slug>/honour-roll.<str:format>",
        participant_exports.honour_roll_export,
        name="honour_roll_export",
    ),
    path("leaderboard/", participant_views.leaderboard, name="leaderboard"),
    path(
        "leaderboard.<str:format>",
        participant_exports.leaderboard_export,
        name="leaderboard_export",
    ),
    path("people/<str:login>/", participant_views.participant_detail, name="participant_detail"),
    path("certificates/", participant_views.certificate_lookup, name="certificate_lookup"),
    path(
        "certificates/<str:serial>/",
        participant_views.certificate_detail,
        name="certificate_detail",
    ),
    path(
        "certificates/<str:serial>/certificate.png",
        participant_views.certificate_png,
        name="certificate_png",
    ),
    path(
        "certificates/<str:serial>/certificate.pdf",
        participant_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("api/", include(api_patterns)),
    # The language switcher is on every public page, and public pages are cached whole and
    # shared by every visitor (hackathon/caching.py): a CSRF token in it would be somebody
    # else's. Switching the language changes nothing but a cookie, so it takes no token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
# The API's unknown addresses answer JSON like its other errors (hackathon/views.py).
handler404 = "hackathon.views.not_found"
if apps.is_installed("bench"):
    urlpatterns.append(path("bench/", include("bench.urls")))
# The demo (DEBUG on) serves the uploads that pages show, so avatars and banners are not broken
# links; staged imports (imports/) are not among them. In production they are served by the
# uploads' storage (docs/deployment.md): static() adds nothing when DEBUG is off.
for folder in PUBLIC_MEDIA_FOLDERS:
    urlpatterns += static(settings.MEDIA_URL + folder, document_root=settings.MEDIA_ROOT / folder)
