"""The public's portal: opinions, tracking codes, public results, satisfaction.

Public pages (no login) at the top; the staff's pages under ``staff/``."""

from django.urls import path

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("opinions/new/", views.submit, name="submit"),
    path("units/choices/", views.unit_choices, name="unit_choices"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("track/<str:code>/rate/", views.rate_by_code, name="rate_by_code"),
    path("results/", views.results, name="results"),
    path("units/<int:pk>/", views.unit_results, name="unit_results"),
    path("problems/<int:pk>/", views.public_problem, name="problem"),
    path("problems/<int:pk>/rate/", views.rate_on_page, name="rate_on_page"),
    path("staff/", staff_views.opinion_list, name="triage"),
    path("staff/new/", staff_views.opinion_enter, name="opinion_enter"),
    path("staff/ratings/", staff_views.rating_list, name="ratings"),
    path("staff/opinions/<int:pk>/", staff_views.opinion_detail, name="opinion_detail"),
    path("staff/opinions/<int:pk>/problem/", staff_views.opinion_to_problem, name="to_problem"),
    path("staff/opinions/<int:pk>/merge/", staff_views.opinion_merge, name="merge"),
    path("staff/opinions/<int:pk>/answer/", staff_views.opinion_answer, name="answer"),
    path("staff/opinions/<int:pk>/close/", staff_views.opinion_close, name="close"),
]
