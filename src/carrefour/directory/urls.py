from django.urls import path

from carrefour.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdictions"),
    path("jurisdictions/<slug:code>/", views.jurisdiction_detail, name="jurisdiction"),
    path("organizations/", views.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("teams/", views.TeamListView.as_view(), name="teams"),
    path("teams/<slug:slug>/", views.team_detail, name="team"),
    path("me/", views.me, name="me"),
]
