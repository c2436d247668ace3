from django.shortcuts import render
from django.urls import path

app_name = "sample_domain"


def index(request):
    return render(request, "sample_domain/index.html")


urlpatterns = [path("", index, name="index")]
