from django.urls import path

from carrefour.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue.jsonld", views.catalogue, name="catalogue"),
]
