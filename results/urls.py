from django.urls import path

from results import views

urlpatterns = [
    path("versions/", views.version_list, name="results_versions"),
    path("changes/", views.changes_page, name="results_changes"),
    path("objections/", views.objection_list, name="objection_list"),
    path("objections/new/", views.objection_new, name="objection_new"),
    path("versions/<int:number>/", views.version_detail, name="results_version"),
    path("versions/<int:number>.<str:format>", views.version_export, name="results_version_export"),
]
