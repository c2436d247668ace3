"""Every form works without JavaScript: each design-system field is followed by the same native control."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from carrefour.core.templatetags.carrefour import gcds_field, native_field


class SampleForm(forms.Form):
    q = forms.CharField(label="Words", required=False, help_text="Any word")
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), ("a", "Apples"), ("b", "Pears")])
    tags = forms.MultipleChoiceField(label="Tags", choices=[("x", "Ex"), ("y", "Why")], widget=forms.CheckboxSelectMultiple)
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree")
    body = forms.CharField(label="Body", widget=forms.Textarea(attrs={"rows": 3}))
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _noscript(html: str) -> str:
    (inner,) = re.findall(r"<noscript>(.*)</noscript>", html, re.S)
    return inner


def test_a_select_keeps_its_component_and_adds_a_native_select_with_the_chosen_option():
    form = SampleForm({"kind": "b"})
    html = str(gcds_field(form["kind"]))
    assert html.startswith("<gcds-select ")
    native = _noscript(html)
    assert '<label for="id_kind">Kind</label>' in native
    assert re.search(r'<select id="id_kind" name="kind"[^>]*>', native)
    assert re.findall(r'<option value="([^"]*)"( selected)?>', native) == [("", ""), ("a", ""), ("b", " selected")]


def test_checkboxes_radios_a_single_checkbox_a_textarea_and_errors_are_native_too():
    form = SampleForm({"tags": ["y"], "size": "l", "body": "Some <b>text</b>", "secret": "hunter2"})
    assert not form.is_valid()
    tags = _noscript(str(gcds_field(form["tags"])))
    assert "<legend>Tags</legend>" in tags
    assert re.findall(r'<input type="checkbox" id="tags-(\d)" value="(\w)" name="tags"[^>]*?( checked)?>', tags) == [
        ("0", "x", ""), ("1", "y", " checked")]
    size = _noscript(str(gcds_field(form["size"])))
    assert re.findall(r'<input type="radio" id="size-\d" value="(\w)" name="size" required( checked)?>', size) == [
        ("s", ""), ("l", " checked")]
    agree = _noscript(str(gcds_field(form["agree"])))
    assert 'aria-invalid="true"' in agree and '<p class="cf-field-error" id="id_agree-error">This field is required.</p>' in agree
    assert '<input type="checkbox" id="id_agree" value="on" name="agree" required aria-describedby="id_agree-error"' in agree
    body = _noscript(str(gcds_field(form["body"])))
    assert '<textarea id="id_body" rows="3" name="body" required>Some &lt;b&gt;text&lt;/b&gt;</textarea>' in body
    q = _noscript(str(gcds_field(form["q"])))
    assert '<p class="cf-hint" id="id_q-hint">Any word</p>' in q and 'aria-describedby="id_q-hint"' in q


def test_a_password_typed_in_a_failed_form_is_never_written_back_into_the_page():
    form = SampleForm({"secret": "hunter2"})
    assert not form.is_valid()
    assert "hunter2" not in str(gcds_field(form["secret"]))


def test_a_hidden_field_needs_no_fallback():
    assert str(gcds_field(SampleForm()["token"])) == '<input type="hidden" name="token" value="">'


@pytest.mark.parametrize(("lang", "word"), [("en", "required"), ("fr", "obligatoire")])
def test_the_required_mark_and_the_submit_fallback_are_translated(lang, word):
    with translation.override(lang):
        assert f'<span class="cf-required">({word})</span>' in str(native_field(SampleForm()["body"]))
        html = Template('{% load carrefour %}{% gcds_submit "Go" %}').render(Context())
    assert html == ('<gcds-button type="submit" class="cf-has-fallback">Go</gcds-button>'
                    '<noscript><button type="submit" class="cf-button">Go</button></noscript>')


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_hide_the_components_when_scripting_is_off_and_offer_native_forms(db, lang):
    page = Client().get(f"/{lang}/directory/organizations/").content.decode()
    style = re.search(r"<noscript><style>(.*?)</style></noscript>", page, re.S).group(1)
    assert "gcds-select" in style and "gcds-input" in style and "gcds-button.cf-has-fallback" in style
    noscripts = "".join(re.findall(r"<noscript>(.*?)</noscript>", page, re.S))
    assert '<select id="id_kind" name="kind">' in noscripts
    assert '<button type="submit" class="cf-button">' in noscripts


def test_the_native_submit_keeps_the_name_value_and_role_the_server_and_the_eye_read():
    html = Template(
        '{% load carrefour %}{% gcds_submit "Save" name="save" value="1" %}{% gcds_submit "Remind" button_role="secondary" %}'
    ).render(Context())
    assert re.findall(r"<noscript>(.*?)</noscript>", html) == [
        '<button type="submit" class="cf-button" name="save" value="1">Save</button>',
        '<button type="submit" class="cf-button-secondary">Remind</button>',
    ]
    assert '<gcds-button type="submit" class="cf-has-fallback" button-role="secondary">Remind</gcds-button>' in html


@pytest.mark.parametrize("url_name", ["portfolio:index", "experiments:index", "experiments:what_works"])
def test_domain_filter_forms_can_be_submitted_without_javascript(db, url_name):
    page = Client().get(reverse(url_name)).content.decode()
    (form,) = re.findall(r'<form method="get" class="cf-filters".*?</form>', page, re.S)
    assert re.search(r'<noscript><button type="submit" class="cf-button">[^<]+</button></noscript>', form)


def test_no_template_writes_a_submit_button_without_its_native_fallback():
    """A bare <gcds-button type="submit"> is dead without JavaScript: templates use {% gcds_submit %}."""
    src = Path(__file__).resolve().parents[2] / "src" / "carrefour"
    templates = sorted(src.glob("*/templates/**/*.html"))
    apps = {path.relative_to(src).parts[0] for path in templates}
    assert {"core", "directory", "declarations", "consultations", "portfolio", "experiments"} <= apps
    offenders = [
        f"{path.relative_to(src)}: {tag}"
        for path in templates
        for tag in re.findall(r"<gcds-button\b[^>]*>", path.read_text(encoding="utf-8"))
        if re.search(r"""\btype\s*=\s*["']?submit""", tag)
    ]
    assert offenders == []
