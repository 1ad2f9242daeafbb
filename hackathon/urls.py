from django.contrib import admin
from django.urls import include, path

from hackathon import views

urlpatterns = [
    path("", views.home, name="home"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("api/", include("hackathon.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
