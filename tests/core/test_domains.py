"""The domain contract: every domain declares its parts in its AppConfig; core assembles them."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from carrefour.core.domains import DomainConfig, domains

ROOT = Path(__file__).resolve().parents[2]


def test_every_domain_in_settings_is_a_domain_config():
    found = domains()
    assert [d.name for d in found] == settings.DOMAINS
    assert all(isinstance(d, DomainConfig) for d in found)
    assert [app for app in settings.INSTALLED_APPS if app in settings.DOMAINS] == settings.DOMAINS


def test_every_declared_part_can_be_imported():
    """A typo in an apps.py fails here, not on the first visitor's page."""
    for d in domains():
        paths = [s.fn for s in [*d.search_sources, *d.news_sources]]
        paths += [s.selector for s in d.sitemaps] + [h.fn for h in d.home_sections]
        paths += [p for p in (d.api_router, d.demo) if p]
        for path in paths:
            assert callable(import_string(path)) or path == d.api_router, f"{d.label}: {path}"
        if d.url_prefix:
            assert d.url_prefix.endswith("/") and not d.url_prefix.startswith("/"), d.label
            import_string(f"{d.urls_module}.urlpatterns")


def test_url_prefixes_and_api_labels_are_unique():
    prefixes = [d.url_prefix for d in domains() if d.url_prefix]
    assert len(prefixes) == len(set(prefixes))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_core_imports_no_domain():
    """Core serves every domain through the contract; it may use the directory's identity models
    (people, teams and memberships decide what each person sees), nothing else."""
    others = [d.name for d in domains() if d.name != "carrefour.directory"]
    offenders = []
    for path in (ROOT / "src" / "carrefour" / "core").rglob("*.py"):
        for module in _imports(path):
            if any(module == name or module.startswith(name + ".") for name in others):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders


def test_domains_reach_each_other_only_through_selectors_and_the_commitment_interface():
    """A domain imports another's selectors (reads), models (for types and querysets in
    selectors), or declarations' commitment interface; never another domain's services or views.
    The directory (people, teams, memberships) is the foundation every domain builds on."""
    labels = {d.name: d for d in domains()}
    offenders = []
    for name in labels:
        package = ROOT / "src" / Path(*name.split("."))
        for path in package.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for module in _imports(path):
                for other in labels:
                    if other in (name, "carrefour.directory") or not module.startswith(other + "."):
                        continue
                    rest = module[len(other) + 1:]
                    if rest.split(".")[0] in {"services", "views", "forms", "api", "tasks"}:
                        offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders


@pytest.mark.slow
def test_a_new_domain_is_its_package_plus_one_line(tmp_path):
    """tests/sample_domain + one line in a settings module: URLs, API, demo, crawl, search, home.

    The same run checks that MEDIA_ROOT comes from the environment like every other setting."""
    script = textwrap.dedent("""
        import os
        import django
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from io import StringIO
        from django.test import Client
        from django.urls import reverse
        from carrefour.config.api import api
        from carrefour.core.sitemaps import SITEMAPS
        from carrefour.core.search import SEARCH_SOURCES
        from tests.core.test_pages import PATHS

        assert reverse("sample_domain:index") == "/en/sample/"
        assert "sample/" in PATHS, PATHS
        for lang in ("en", "fr"):
            page = Client().get(f"/{lang}/sample/")
            assert page.status_code == 200 and "Sample domain" in page.content.decode()
        schema = api.get_openapi_schema()
        assert "/api/sample_domain/things" in schema["paths"], sorted(schema["paths"])
        assert Client().get("/api/sample_domain/things").json() == ["one thing"]
        out = StringIO()
        call_command("load_demo", only="sample_domain", stdout=out)
        assert "Loading sample_domain" in out.getvalue() and "sample demo loaded" in out.getvalue()
        assert "sample" in SEARCH_SOURCES and "sample_domain-pages" in SITEMAPS
        assert "The sample thing" in Client().get("/en/search/?q=sample").content.decode()
        assert "Sample section" in Client().get("/en/").content.decode()
        assert "/en/sample/" in Client().get("/sitemap-sample_domain-pages.xml").content.decode()
        from django.conf import settings
        assert str(settings.MEDIA_ROOT) == os.environ["MEDIA_ROOT"], settings.MEDIA_ROOT  # from the environment
        print("sample domain OK")
    """)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sample_domain.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sample.sqlite3'}",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(tmp_path / "uploads"),
    }
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sample domain OK" in result.stdout


def test_demo_loader_refuses_an_unknown_domain(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no demo data for: nowhere"):
        call_command("load_demo", only="nowhere")


def test_deploy_check_warns_when_https_has_no_proxy_count(settings):
    from carrefour.core.checks import proxy_count_behind_https

    settings.SECURE_HTTPS, settings.TRUSTED_PROXY_COUNT = True, 0
    assert [w.id for w in proxy_count_behind_https(None)] == ["carrefour.W001"]
    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_count_behind_https(None) == []
