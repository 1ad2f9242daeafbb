from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from hackathon.api import views
from hackathon.api.docs import api_docs
from hackathon.caching import public_response
from participants import api as participants_api
from tasks import api as tasks_api

urlpatterns = [
    path("editions/", views.edition_list, name="api_edition_list"),
    path("editions/<slug:slug>/", views.edition_detail, name="api_edition_detail"),
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
    path("docs/", api_docs, name="api_docs"),
]
