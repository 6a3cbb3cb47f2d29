from django.urls import path

from . import ledger_views, special_views, views, webhook_views

app_name = "rectification"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_list, name="task_list"),
    path("ledger/", ledger_views.ledger_page, name="ledger"),
    path("specials/", special_views.special_list, name="special_list"),
    path("specials/new/", special_views.special_create, name="special_create"),
    path("specials/<int:pk>/", special_views.special_detail, name="special_detail"),
    path("specials/<int:pk>/edit/", special_views.special_edit, name="special_edit"),
    path("specials/<int:pk>/reports/", special_views.special_report, name="special_report"),
    path("units/<int:pk>/", views.unit_view, name="unit"),
    path("units/<int:unit_pk>/tasks/new/", views.task_create, name="task_create"),
    path("units/<int:unit_pk>/webhook/", webhook_views.webhook_page, name="webhook"),
    path(
        "units/<int:unit_pk>/webhook/deliveries/",
        webhook_views.webhook_deliveries,
        name="webhook_deliveries",
    ),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/objectives/", views.objective_add, name="objective_add"),
    path("objectives/<int:pk>/tick/", views.objective_tick, name="objective_tick"),
    path("tasks/<int:pk>/updates/", views.update_add, name="update_add"),
    path("tasks/<int:pk>/transition/", views.transition, name="transition"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
