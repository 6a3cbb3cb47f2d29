from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_list, name="task_list"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("units/<int:unit_pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/objectives/", views.objective_add, name="objective_add"),
    path("objectives/<int:pk>/tick/", views.objective_tick, name="objective_tick"),
    path("tasks/<int:pk>/updates/", views.update_add, name="update_add"),
    path("tasks/<int:pk>/transition/", views.transition, name="transition"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
