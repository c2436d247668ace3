from django.urls import path

from carrefour.declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/commitments/add/", views.commitment_edit, name="commitment_add"),
    path("<slug:slug>/commitments/<int:number>/", views.commitment_detail, name="commitment"),
    path("<slug:slug>/commitments/<int:number>/edit/", views.commitment_edit, name="commitment_edit"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/status/", views.set_status, name="status"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/remind/", views.remind, name="remind"),
    path("<slug:slug>/endorse/", views.endorse, name="endorse"),
    path("<slug:slug>/endorsements/paper/", views.record_paper, name="record_paper"),
    path("<slug:slug>/signatories/", views.assign_signatory, name="assign_signatory"),
    path("<slug:slug>/endorsements/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/versions/compare/", views.compare, name="compare"),
    path("<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
]
