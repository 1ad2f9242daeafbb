from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from hackathon.api import views

urlpatterns = [
    path("editions/", views.edition_list, name="api_edition_list"),
    path("editions/<slug:slug>/", views.edition_detail, name="api_edition_detail"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api_schema"),
]
