from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap as sitemap_section
from django.http import HttpResponseRedirect
from django.urls import include, path
from django.utils.translation import get_language_from_request

from carrefour.config.api import api
from carrefour.core.domains import url_patterns as domain_url_patterns
from carrefour.core.sitemaps import SITEMAPS


def root(request):
    """`/` sends people to their language's home page."""
    lang = get_language_from_request(request) or settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{'fr' if lang.startswith('fr') else 'en'}/")


def robots(request):
    """Robots may index the public pages; the sitemap lists them in both languages."""
    from django.http import HttpResponse

    lines = ["User-agent: *", "Disallow: /en/accounts/", "Disallow: /fr/accounts/", "Disallow: /en/admin/",
             "Disallow: /fr/admin/", f"Sitemap: {settings.SITE_URL}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("", root),
    path("api/", api.urls),
    path("robots.txt", robots),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_section, {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

# Each domain's pages under the prefix its AppConfig declares (carrefour.core.domains).
urlpatterns += i18n_patterns(
    path("", include("carrefour.core.urls")),
    path("accounts/", include("allauth.urls")),
    *domain_url_patterns(),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
