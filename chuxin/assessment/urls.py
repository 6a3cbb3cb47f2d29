"""Indicator schemes and frozen evaluations of units."""

from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.home, name="home"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("schemes/<int:pk>/run/", views.evaluation_run, name="evaluation_run"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/publish/", views.evaluation_publish, name="evaluation_publish"),
    path("evaluations/<int:pk>/export.xlsx", views.evaluation_export, name="evaluation_export"),
    path("evaluations/<int:pk>/units/<int:unit_pk>/", views.scorecard, name="scorecard"),
    path("scoring/", views.scoring, name="scoring"),
    path("scoring/<int:indicator_pk>/<int:unit_pk>/", views.score_set, name="score_set"),
]
