"""Top-level URLs: pages by capability, the API, admin, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chuxin.core import calendar_views
from chuxin.core import views as core_views
from config.api import api

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.home, name="home"),
    path("inbox/", core_views.inbox, name="inbox"),
    path("calendar/", calendar_views.my_calendar, name="my_calendar"),
    path("calendar/mine.ics", calendar_views.my_calendar_ics, name="my_calendar_ics"),
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("chuxin.organization.urls")),
    path("study/", include("chuxin.study.urls")),
    path("problems/", include("chuxin.problems.urls")),
    path("rectification/", include("chuxin.rectification.urls")),
    path("meetings/", include("chuxin.meetings.urls")),
    path("conferences/", include("chuxin.conferences.urls")),
    path("investigation/", include("chuxin.investigation.urls")),
    path("mechanisms/", include("chuxin.mechanisms.urls")),
    path("guidance/", include("chuxin.guidance.urls")),
    path("assessment/", include("chuxin.assessment.urls")),
    path("portal/", include("chuxin.portal.urls")),
    path("oversight/", include("chuxin.oversight.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
