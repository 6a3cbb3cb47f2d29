from django.urls import path

from . import views

app_name = "study"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/archive/", views.item_archive, name="item_archive"),
    path("items/<int:pk>/material/", views.item_material, name="item_material"),
    path("units/<int:pk>/", views.coverage, name="coverage"),
    path("units/<int:pk>/dead-ends/", views.dead_ends, name="dead_ends"),
    path("units/<int:pk>/sessions/", views.session_list, name="session_list"),
    path("units/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("units/<int:pk>/sessions/roster/", views.session_roster, name="session_roster"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/archive/", views.session_archive, name="session_archive"),
    path("members/<int:pk>/", views.member_study, name="member"),
    path("records/<int:pk>/archive/", views.record_archive, name="record_archive"),
]
