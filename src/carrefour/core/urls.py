from django.urls import path

from carrefour.core import views
from carrefour.core.feeds import WhatsNewFeed

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("whats-new/", views.whats_new, name="whats_new"),
    path("whats-new/feed/", WhatsNewFeed(), name="whats_new_feed"),
    path("history/<int:ct_id>/<str:pk>/", views.history, name="history"),
    path("report-a-problem/", views.report_problem, name="report_problem"),
    path("triage/problems/", views.problem_triage, name="problem_triage"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
