from django.urls import path

from bench import views

urlpatterns = [path("bare/", views.bare, name="bench_bare")]
