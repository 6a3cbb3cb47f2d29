"""The leading group's dashboard, snapshots and briefings."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit"),
    path("units/<int:pk>/export.<str:fmt>", views.unit_export, name="unit_export"),
    path("units/<int:pk>/briefings/new/", views.briefing_generate, name="briefing_generate"),
    path("units/<int:pk>/schedule/", views.schedule_set, name="schedule_set"),
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing"),
    path("briefings/<int:pk>/issue/", views.briefing_issue, name="briefing_issue"),
    path(
        "briefings/<int:pk>/<str:lang>.<str:fmt>",
        views.briefing_download,
        name="briefing_download",
    ),
]
