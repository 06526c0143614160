from django.urls import include, path

from guestbook import views

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("", include("guestbook.urls")),
]
