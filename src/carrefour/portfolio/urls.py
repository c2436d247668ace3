from django.urls import path

from carrefour.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.whats_new, name="whats_new"),
    path("tables/", views.table_list, name="tables"),
    path("tables/new/", views.table_create, name="table_create"),
    path("tables/<slug:slug>/", views.table_detail, name="table"),
    path("tables/<slug:slug>/members/", views.table_members, name="table_members"),
    path("tables/<slug:slug>/members/people/", views.table_person_add, name="table_person_add"),
    path("tables/<slug:slug>/members/<int:jurisdiction_id>/remove/", views.table_jurisdiction_remove,
         name="table_jurisdiction_remove"),
    path("tables/<slug:slug>/edit/", views.table_edit, name="table_edit"),
    path("tables/<slug:slug>/priorities/new/", views.priority_create, name="priority_create"),
    path("tables/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("tables/<slug:slug>/decisions/new/", views.decision_create, name="decision_create"),
    path("tables/<slug:slug>/import/", views.initiative_import, name="import"),
    path("tables/<slug:slug>/report/", views.report, name="report"),
    path("tables/<slug:slug>/report/queue/", views.report_request, name="report_request"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("initiatives/new/", views.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/achievements/", views.achievement_create, name="achievement_create"),
    path("initiatives/<int:pk>/links/", views.link_create, name="link_create"),
    path("initiatives/<int:pk>/delete/", views.initiative_delete, name="initiative_delete"),
    path("initiatives/<int:pk>/restore/", views.initiative_restore, name="initiative_restore"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("achievements/<int:pk>/delete/", views.achievement_delete, name="achievement_delete"),
    path("achievements/<int:pk>/restore/", views.achievement_restore, name="achievement_restore"),
    path("tables/<slug:slug>/deleted/", views.table_deleted, name="table_deleted"),
    path("reports/<int:pk>/", views.report_job, name="report_job"),
    path("reports/<int:pk>/status/", views.report_job_status, name="report_job_status"),
    path("assessment/", views.assessment, name="assessment_start"),
    path("assessment/<int:pk>/", views.assessment_detail, name="assessment"),
]
