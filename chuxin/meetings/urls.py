from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("units/<int:pk>/", views.unit_meetings, name="unit"),
    path("units/<int:pk>/overview/", views.overview, name="overview"),
    path("campaigns/<int:pk>/settings/", views.settings, name="settings"),
    path("units/<int:pk>/calendar.ics", views.unit_ics, name="unit_ics"),
    path("units/<int:pk>/new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("<int:pk>/guides/", views.guide_add, name="guide_add"),
    path("<int:pk>/study/", views.study_link, name="study_link"),
    path("<int:pk>/opinions/", views.solicitation_add, name="solicitation_add"),
    path("<int:pk>/talks/", views.talks, name="talks"),
    path("<int:pk>/override/", views.override, name="override"),
    path("<int:pk>/hold/", views.hold, name="hold"),
    path("<int:pk>/followup/", views.followup, name="followup"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("opinions/<int:pk>/problem/", views.opinion_problem, name="opinion_problem"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant_remove"),
    path(
        "participants/<int:pk>/material/", views.participant_material, name="participant_material"
    ),
    path("participants/<int:pk>/record/", views.record, name="record"),
    path("materials/<int:pk>/", views.material, name="material"),
    path("materials/<int:pk>/submit/", views.material_submit, name="material_submit"),
    path("materials/<int:pk>/review/", views.material_review, name="material_review"),
]
