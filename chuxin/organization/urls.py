from django.urls import path

from . import import_views, views

app_name = "organization"

urlpatterns = [
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/search/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/add-unit/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/add-member/", views.member_create, name="member_create"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("imports/", import_views.import_start, name="import_start"),
    path(
        "imports/template/<str:kind>.<str:fmt>",
        import_views.import_template,
        name="import_template",
    ),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/errors.<str:fmt>", import_views.import_errors, name="import_errors"),
]
