from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("api/entries/", views.entries, name="entries"),
    path("api/entries/<int:entry_id>/", views.entry_detail, name="entry-detail"),
    path("slow/", views.slow, name="slow"),
]
