from django.urls import path

from . import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path("units/<int:unit_pk>/new/", views.problem_create, name="create"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/edit/", views.problem_edit, name="edit"),
    path("<int:pk>/merge/", views.problem_merge, name="merge"),
    path("<int:pk>/escalate/", views.problem_escalate, name="escalate"),
    path("units/<int:unit_pk>/duplicates/", views.duplicates, name="duplicates"),
]
