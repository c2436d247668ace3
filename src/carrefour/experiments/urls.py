from django.urls import path

from carrefour.experiments import views

app_name = "experiments"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("power/", views.power_preview, name="power_preview"),
    path("what-works/", views.what_works, name="what_works"),
    path("what-works/<slug:intervention_type>/<slug:outcome_domain>/", views.what_works_group, name="what_works_group"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registration/", views.registration, name="registration"),
    path("<int:pk>/registration.json", views.registration_json, name="registration_json"),
    path("<int:pk>/deviations/new/", views.deviation_create, name="deviation_create"),
    path("<int:pk>/disclose/", views.disclose, name="disclose"),
    path("<int:pk>/randomize/", views.randomize, name="randomize"),
    path("<int:pk>/randomize/<int:rid>/assignment.csv", views.assignment_download, name="assignment"),
    path("<int:pk>/data/", views.data, name="data"),
    path("<int:pk>/data/table/", views.data_table, name="data_table"),
    path("<int:pk>/data/<int:did>/status/", views.dataset_status, name="dataset_status"),
    path("<int:pk>/analyses/", views.analysis_start, name="analysis_start"),
    path("<int:pk>/analyses/<int:aid>/", views.analysis_detail, name="analysis"),
    path("<int:pk>/analyses/<int:aid>/status/", views.analysis_status, name="analysis_status"),
    path("<int:pk>/analyses/<int:aid>/retry/", views.analysis_retry, name="analysis_retry"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.<str:fmt>", views.results_download, name="results_download"),
]
