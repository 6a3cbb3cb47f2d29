"""Promotion conferences: venues, agenda, deployed work, the news release."""

from django.urls import path

from . import views

app_name = "conferences"

urlpatterns = [
    path("", views.conference_list, name="list"),
    path("new/", views.conference_create, name="create"),
    path("campaigns/<int:pk>/calendar.ics", views.campaign_calendar, name="calendar"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/edit/", views.conference_edit, name="edit"),
    path("<int:pk>/archive/", views.conference_archive, name="archive"),
    path("<int:pk>/persons/", views.person_add, name="person_add"),
    path("persons/<int:pk>/remove/", views.person_remove, name="person_remove"),
    path("<int:pk>/venues/", views.venue_add, name="venue_add"),
    path("venues/<int:pk>/remove/", views.venue_remove, name="venue_remove"),
    path("<int:pk>/speeches/", views.speech_add, name="speech_add"),
    path("speeches/<int:pk>/edit/", views.speech_edit, name="speech_edit"),
    path("speeches/<int:pk>/remove/", views.speech_remove, name="speech_remove"),
    path("<int:pk>/deployed/", views.deployed_add, name="deployed_add"),
    path("<int:pk>/release/", views.release_edit, name="release"),
    path("<int:pk>/release/generate/", views.release_generate, name="release_generate"),
    path("<int:pk>/release/publish/", views.release_publish, name="release_publish"),
    path("<int:pk>/release.docx", views.release_download, name="release_docx"),
    path("<int:pk>/release/print/", views.release_print, name="release_print"),
]
