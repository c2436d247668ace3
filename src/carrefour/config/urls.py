from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path
from django.utils.translation import get_language_from_request

from carrefour.config.api import api


def root(request):
    """`/` sends people to their language's home page."""
    lang = get_language_from_request(request) or settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{'fr' if lang.startswith('fr') else 'en'}/")


urlpatterns = [
    path("", root),
    path("api/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", include("carrefour.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("directory/", include("carrefour.directory.urls")),
    path("declarations/", include("carrefour.declarations.urls")),
    path("consultations/", include("carrefour.consultations.urls")),
    path("portfolio/", include("carrefour.portfolio.urls")),
    path("experiments/", include("carrefour.experiments.urls")),
    path("open-data/", include("carrefour.opendata.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
