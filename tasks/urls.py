"""The task browser's pages, included under editions/<slug:slug>/."""

from django.urls import path

from tasks import views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
]
