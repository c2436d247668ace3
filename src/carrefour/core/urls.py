from django.urls import path

from carrefour.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("history/<int:ct_id>/<str:pk>/", views.history, name="history"),
    path("report-a-problem/", views.report_problem, name="report_problem"),
    path("triage/problems/", views.problem_triage, name="problem_triage"),
]
