"""Guidance teams, their assigned units, visits, findings and ratings."""

from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.home, name="home"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/archive/", views.team_archive, name="team_archive"),
    path("teams/<int:pk>/units.xlsx", views.team_units_export, name="team_units_export"),
    path("teams/<int:pk>/members/", views.member_add, name="member_add"),
    path("teams/<int:pk>/members/<int:user_pk>/remove/", views.member_remove, name="member_remove"),
    path("teams/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("teams/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/rating/", views.visit_rate, name="visit_rate"),
    path("visits/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/problem/", views.finding_to_problem, name="finding_to_problem"),
    path("campaigns/<int:campaign_pk>/settings/", views.settings_page, name="settings"),
]
