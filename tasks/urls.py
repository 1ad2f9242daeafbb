"""The task browser's pages, included under editions/<slug:slug>/."""

from django.urls import path

from tasks import export_views, views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks.<str:format>", export_views.task_list_export, name="task_list_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
