from django.urls import path

from . import views

app_name = "investigation"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("units/<int:pk>/cadres/", views.cadres_view, name="cadres"),
    path("units/<int:unit_pk>/topics/new/", views.topic_create, name="topic_create"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/<int:pk>/activities/", views.activity_add, name="activity_add"),
    path("topics/<int:pk>/report/", views.report_submit, name="report"),
    path("topics/<int:pk>/report/file/", views.report_download, name="report_download"),
    path("topics/<int:pk>/transition/", views.transition, name="transition"),
    path("activities/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/problem/", views.finding_problem, name="finding_problem"),
]
