"""Template helpers: GC Design System form fields, markdown, locale-aware numbers."""

from __future__ import annotations

import json
from typing import Any

import markdown as md
import nh3
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from carrefour.core.numbers import format_number, format_percent

register = template.Library()

_INPUT_TYPES = {"text", "email", "number", "password", "url", "search", "tel", "date"}


def _error(bound: forms.BoundField) -> str:
    return " ".join(str(e) for e in bound.errors)


def _common(bound: forms.BoundField) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "name": bound.html_name,
        "label": str(bound.label),
        "hint": str(bound.help_text or ""),
        "error-message": _error(bound),
        # The server validates and sends errors back in `error-message`. Left to itself a
        # component also validates on blur, and clearing a server error there moves the
        # submit button between the press and the release of the mouse: the first click
        # would then not submit (seen in the browser tests). "other" leaves validation to us.
        "validate-on": "other",
    }
    if bound.field.required:
        attrs["required"] = True
    if bound.field.disabled:
        attrs["disabled"] = True
    return attrs


def _attrs(attrs: dict[str, Any]) -> SafeString:
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", key))
        elif value not in (None, False, ""):
            parts.append(format_html(' {}="{}"', key, value))
    return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html


def _value(bound: forms.BoundField) -> Any:
    value = bound.value()
    return "" if value is None else value


def _shown_value(bound: forms.BoundField) -> Any:
    """The value to write back into the page: never a password typed in a form that failed."""
    widget = bound.field.widget
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        return ""
    return _value(bound)


@register.simple_tag
def gcds_field(bound: forms.BoundField, **extra: Any) -> SafeString:
    """Render a bound field as the matching GC Design System component, errors included.

    A native control follows in <noscript>: the components render nothing usable before their
    script runs (a select's options as plain text, an input as nothing), and every form must work
    without JavaScript. base.html hides the components when scripting is off; when it is on, the
    <noscript> content is inert text, so nothing is submitted twice and no id is repeated.
    """
    component = _component(bound, **extra)
    if isinstance(bound.field.widget, forms.HiddenInput):
        return component
    return format_html("{}<noscript>{}</noscript>", component, native_field(bound, **extra))


def _component(bound: forms.BoundField, **extra: Any) -> SafeString:
    widget = bound.field.widget
    attrs = _common(bound)
    attrs.update({k.replace("_", "-"): v for k, v in extra.items()})
    fid = bound.id_for_label or bound.html_name
    if isinstance(widget, forms.HiddenInput):
        return format_html('<input type="hidden" name="{}" value="{}">', bound.html_name, _value(bound))
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        selected = _value(bound)
        selected = {str(v) for v in (selected if isinstance(selected, list | tuple) else [selected])}
        options = [
            {"id": f"{fid}-{i}", "label": str(label), "value": str(value), "checked": str(value) in selected}
            for i, (value, label) in enumerate(bound.field.choices)
            if str(value) != ""
        ]
        # CheckboxSelectMultiple subclasses RadioSelect in Django: test for it first.
        tag = "gcds-checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "gcds-radios"
        attrs["legend"] = attrs.pop("label")
        attrs["options"] = json.dumps(options, ensure_ascii=False)
        if tag == "gcds-checkboxes":
            attrs["value"] = json.dumps(sorted(selected & {o["value"] for o in options}))
        else:
            attrs["value"] = next(iter(selected), "")
        return format_html("<{} {}></{}>", tag, _attrs(attrs), tag)
    if isinstance(widget, forms.CheckboxInput):
        options = [{"id": fid, "label": attrs.pop("label"), "value": "on", "checked": bool(bound.value())}]
        attrs["options"] = json.dumps(options, ensure_ascii=False)
        attrs["value"] = json.dumps(["on"] if bound.value() else [])
        if "hint" in attrs and not attrs["hint"]:
            attrs.pop("hint")
        return format_html("<gcds-checkboxes {}></gcds-checkboxes>", _attrs(attrs))
    if isinstance(widget, forms.Select):
        current = _value(bound)
        current_set = {str(v) for v in (current if isinstance(current, list | tuple) else [current])}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if str(value) in current_set else "", label)  # noqa: S308
                for value, label in bound.field.choices
            ),
        )
        attrs["select-id"] = fid
        if isinstance(widget, forms.SelectMultiple):
            attrs["multiple"] = True
        return format_html("<gcds-select {}>{}</gcds-select>", _attrs(attrs), options)
    if isinstance(widget, forms.Textarea):
        attrs["textarea-id"] = fid
        attrs["value"] = _value(bound)
        attrs["rows"] = widget.attrs.get("rows", 6)
        return format_html("<gcds-textarea {}></gcds-textarea>", _attrs(attrs))
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        attrs["uploader-id"] = fid
        if widget.attrs.get("accept"):
            attrs["accept"] = widget.attrs["accept"]
        return format_html("<gcds-file-uploader {}></gcds-file-uploader>", _attrs(attrs))
    input_type = getattr(widget, "input_type", "text")
    attrs["input-id"] = fid
    attrs["type"] = input_type if input_type in _INPUT_TYPES else "text"
    value = _shown_value(bound)
    attrs["value"] = value.isoformat() if hasattr(value, "isoformat") else value
    for key in ("autocomplete", "step", "min", "max", "size"):
        if key in widget.attrs:
            attrs[key] = widget.attrs[key]
    return format_html("<gcds-input {}></gcds-input>", _attrs(attrs))


def _selected(bound: forms.BoundField) -> set[str]:
    value = _value(bound)
    return {str(v) for v in (value if isinstance(value, list | tuple) else [value])}


def native_field(bound: forms.BoundField, **extra: Any) -> SafeString:
    """The same field as native HTML (label, hint, error, control), for pages read without JavaScript."""
    widget = bound.field.widget
    fid = bound.id_for_label or bound.html_name
    label = str(extra.get("label") or bound.label)
    hint = str(extra.get("hint") or bound.help_text or "")
    error = _error(bound)
    described = " ".join(i for i, text in ((f"{fid}-hint", hint), (f"{fid}-error", error)) if text)
    common: dict[str, Any] = {"name": bound.html_name, "required": bound.field.required,
                              "disabled": bound.field.disabled, "aria-describedby": described,
                              "aria-invalid": "true" if error else None}
    notes = format_html(
        "{}{}",
        format_html('<p class="cf-hint" id="{}-hint">{}</p>', fid, hint) if hint else "",
        format_html('<p class="cf-field-error" id="{}-error">{}</p>', fid, error) if error else "",
    )
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        kind = "checkbox" if isinstance(widget, forms.CheckboxSelectMultiple) else "radio"
        selected = _selected(bound)
        group = {"name": bound.html_name, "disabled": bound.field.disabled}
        if kind == "radio":
            group["required"] = bound.field.required
        choices = format_html_join(
            "",
            '<div class="cf-check"><input type="{}" id="{}-{}" value="{}"{}{}><label for="{}-{}">{}</label></div>',
            (
                (kind, fid, i, value, _attrs(group), _attrs({"checked": str(value) in selected}), fid, i, text)
                for i, (value, text) in enumerate(bound.field.choices)
                if str(value) != ""
            ),
        )
        return format_html(
            '<fieldset class="cf-field"{}><legend>{}</legend>{}{}</fieldset>',
            _attrs({"aria-describedby": described}), label, notes, choices,
        )
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="cf-field">{}<div class="cf-check"><input type="checkbox" id="{}" value="on"{}><label for="{}">{}</label></div></div>',
            notes, fid, _attrs({**common, "checked": bool(bound.value())}), fid, label,
        )
    control: SafeString
    if isinstance(widget, forms.Select):
        current = _selected(bound)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, _attrs({"selected": str(value) in current}), text) for value, text in bound.field.choices),
        )
        control = format_html('<select id="{}"{}>{}</select>', fid,
                              _attrs({**common, "multiple": isinstance(widget, forms.SelectMultiple)}), options)
    elif isinstance(widget, forms.Textarea):
        control = format_html('<textarea id="{}" rows="{}"{}>{}</textarea>', fid, widget.attrs.get("rows", 6),
                              _attrs(common), _value(bound))
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        control = format_html('<input type="file" id="{}"{}>', fid,
                              _attrs({**common, "accept": widget.attrs.get("accept")}))
    else:
        input_type = getattr(widget, "input_type", "text")
        value = _shown_value(bound)
        attrs = {**common, "value": value.isoformat() if hasattr(value, "isoformat") else value}
        attrs.update({key: widget.attrs[key] for key in ("autocomplete", "step", "min", "max", "size") if key in widget.attrs})
        control = format_html('<input type="{}" id="{}"{}>', input_type if input_type in _INPUT_TYPES else "text",
                              fid, _attrs(attrs))
    return format_html('<div class="cf-field"><label for="{}">{}{}</label>{}{}</div>',
                       fid, label, _required_mark(bound), notes, control)


def _required_mark(bound: forms.BoundField) -> SafeString:
    if not bound.field.required:
        return mark_safe("")
    return format_html(' <span class="cf-required">({})</span>', pgettext("form field", "required"))


@register.simple_tag
def gcds_submit(label: Any, **extra: Any) -> SafeString:
    """A submit button: the design system's, and a native one for pages read without JavaScript."""
    attrs = {k.replace("_", "-"): v for k, v in extra.items()}
    # The native button carries what the server reads (name, value, form) and looks like its role.
    native_class = "cf-button-secondary" if attrs.get("button-role") == "secondary" else "cf-button"
    return format_html(
        '<gcds-button type="submit" class="cf-has-fallback"{}>{}</gcds-button><noscript><button type="submit" class="{}"{}>{}</button></noscript>',
        _attrs(attrs), label, native_class, _attrs({k: v for k, v in attrs.items() if k in ("name", "value", "form")}), label,
    )


@register.simple_tag
def gcds_form_errors(form: forms.BaseForm) -> SafeString:
    """Non-field errors as a GC Design System notice (with role=alert for screen readers)."""
    errors = form.non_field_errors()
    if not errors:
        return mark_safe("")
    return format_html(
        '<div class="cf-error-summary" role="alert"><ul>{}</ul></div>',
        format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
    )


_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}


def sanitize_html(html: str) -> str:
    """Keep safe tags only; links get rel=noopener noreferrer. The one sanitizer for user HTML."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@register.filter
def markdown(text: str | None) -> SafeString:
    """Render user Markdown to sanitized HTML."""
    if not text:
        return mark_safe("")
    return mark_safe(sanitize_html(md.markdown(str(text), extensions=["tables"])))  # noqa: S308


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    """A number correctly rounded, in the active locale (1 234,5 in French), grouped."""
    if value is None or value == "":
        return "—"
    try:
        return format_number(value, int(decimals))
    except ValueError:  # NaN or infinity: nothing meaningful to show
        return "—"


@register.filter
def pct(value: Any, decimals: int = 1) -> str:
    """A proportion (0.123) as a correctly rounded, locale-formatted percentage (12.3% / 12,3 %)."""
    if value is None or value == "":
        return "—"
    try:
        return format_percent(value, int(decimals))
    except ValueError:
        return "—"


@register.simple_tag(takes_context=True)
def query_with(context: dict, **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return "?" + encoded if encoded else "?"


@register.simple_tag
def history_url(obj: Any) -> str:
    """The change-history page of a record."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return reverse("core:history", kwargs={"ct_id": ct.pk, "pk": obj.pk})


@register.filter
def can_edit(obj: Any, user: Any) -> bool:
    from carrefour.core.visibility import can_edit as _can_edit

    return _can_edit(user, obj)


@register.simple_tag(takes_context=True)
def block_text(context: Any, name: str) -> str:
    """The rendered text of a block of this page (e.g. "title"), to reuse it elsewhere.

    Used by base.html to give the report-a-problem form the page's title without JavaScript.
    """
    from django.template.loader_tags import BLOCK_CONTEXT_KEY
    from django.utils.html import strip_tags

    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    if block_context is None or not block_context.blocks.get(name):
        return ""
    base_block = block_context.blocks[name][0]
    return " ".join(strip_tags(base_block.render(context)).split())


@register.filter(is_safe=True)
def trim(value: Any) -> str:
    """Strip surrounding whitespace (used by the allauth element templates)."""
    return str(value).strip()
