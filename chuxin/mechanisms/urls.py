from django.urls import path

from . import views

app_name = "mechanisms"

urlpatterns = [
    path("", views.mechanism_list, name="list"),
    path("units/<int:unit_pk>/new/", views.mechanism_create, name="create"),
    path("<int:pk>/", views.mechanism_detail, name="detail"),
    path("<int:pk>/edit/", views.mechanism_edit, name="edit"),
    path("<int:pk>/archive/", views.mechanism_archive, name="archive"),
    path("<int:pk>/document/", views.document_download, name="document"),
]
