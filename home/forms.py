import json
from collections import defaultdict
from datetime import date, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm
from wagtail.models import Page

from .access import EVERYTHING, sites_of, works_for
from .choosing import PAGE_REFUSAL, REFUSAL, as_chosen, chosen_models, may_choose, site_snippet_models
from .text import slugify_vi
from .translation import source_language

# Dates outside these years are typing mistakes; they would also overflow the time zone
# arithmetic at the ends of the calendar (the first hours of year 1 here are in year 0 in UTC).
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def within_the_calendar(value):
    """A date, or a date and time (its day where it was typed), within the calendar's years."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="out_of_range",
            params={
                name: date_format(end, "SHORT_DATE_FORMAT")
                for name, end in (("earliest", EARLIEST), ("latest", LATEST))
            },
        )


class CalendarMixin:
    """An admin form whose dates and times are within the calendar (within_the_calendar)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.validators.append(within_the_calendar)


class AdminLoginForm(LoginForm):
    """Wagtail's login form, whose password field has no label: Django then shows the field's
    name, "Password", untranslated on the Vietnamese login page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


def _chosen_in(model, values):
    """{one of chosen_models: ids} that `values` (a field's name: its value, as a form cleans it or
    as the instance holds it) refer to: in foreign keys, StreamFields and rich text."""
    found, chosen = defaultdict(set), chosen_models()
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value is None or value == "":
            continue
        if field.many_to_one and (to_model := as_chosen(field.related_model, chosen)):
            found[to_model].add(str(value.pk if isinstance(value, models.Model) else value))
        elif hasattr(field, "extract_references"):
            for to_model, pk, _path, _content_path in field.extract_references(value):
                if to_model := as_chosen(to_model, chosen):
                    found[to_model].add(str(pk))
    return found


def _shown_by(model, instance):
    """_chosen_in of what `instance` (of `model`) holds."""
    return _chosen_in(model, {field.name: field.value_from_object(instance) for field in model._meta.concrete_fields})


def _merged(found):
    merged = defaultdict(set)
    for chosen in found:
        for model, ids in chosen.items():
            merged[model] |= ids
    return merged


def _without_page_links(data, prefix, pages):
    """`data` without the links to `pages` (ids) in what it holds of the rich text field `prefix`,
    or of its blocks' (a StreamField's), as Draftail sends it (contentstate): their text stays."""
    data = data.copy()
    for key in [key for key in data if key == prefix or key.startswith(f"{prefix}-")]:
        try:
            state = json.loads(data[key])
            entities = state["entityMap"]
            links = {name for name, entity in entities.items() if entity["type"] == "LINK"}
            links = {name for name in links if str(entities[name]["data"].get("id")) in pages}
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # not rich text
        if links:
            for block in state.get("blocks", []):
                ranges = block.get("entityRanges", [])
                block["entityRanges"] = [entity for entity in ranges if str(entity["key"]) not in links]
            state["entityMap"] = {name: entity for name, entity in entities.items() if name not in links}
            data[key] = json.dumps(state)
    return data


def _leave_out(form, refused):
    """Leave out of `form`'s data what was `refused` ({one of chosen_models: ids}) in its foreign
    keys, and the links to refused pages in its rich text: shown again, the form would show them (a
    chooser another agency's draft's title, a link its address)."""
    chosen = chosen_models()
    for name, value in form.cleaned_data.items():
        try:
            field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        to_model = field.many_to_one and as_chosen(field.related_model, chosen)
        if to_model and str(getattr(value, "pk", value)) in refused.get(to_model, ()):
            form.data = form.data.copy()
            form.data[form.add_prefix(name)] = ""
        elif hasattr(field, "extract_references") and refused.get(Page):
            form.data = _without_page_links(form.data, form.add_prefix(name), refused[Page])


class ChosenObjectsMixin:
    """An admin form that takes only the images, documents, snippets and pages its user may choose
    (home.choosing), in its own fields and in its inline panels' (not in their items' own panels,
    which name none: tests/test_chosen_media.py keeps it so). What the object already shows stays
    (an approver may have chosen it, or it predates the agency's collection); what is added must be
    choosable, and is left out of the form shown again (_leave_out)."""

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        if user is None or user.is_superuser:
            return cleaned_data
        # Read before the items' forms are cleaned, which changes the items the instance holds.
        shown_in_panels = [
            _shown_by(formset.model, item)
            for formset in self.formsets.values()
            # Not the formset's name: Wagtail's comments are "comments", their relation another.
            for item in getattr(self.instance, formset.rel_name).all()
        ]
        forms = [self, *self._items_forms()]
        submitted = _merged(_chosen_in(form._meta.model, form.cleaned_data) for form in forms)
        if may_choose(user, submitted):
            return cleaned_data
        kept = _merged([*shown_in_panels, _shown_by(self._meta.model, self.instance)])
        refused = {
            chosen: {pk for pk in ids - kept[chosen] if not may_choose(user, {chosen: {pk}})}
            for chosen, ids in submitted.items()
        }
        if any(ids for chosen, ids in refused.items() if chosen is not Page):
            self.add_error(None, REFUSAL)
        if refused.get(Page):
            self.add_error(None, PAGE_REFUSAL)
        for form in forms:
            _leave_out(form, refused)
        return cleaned_data

    def _items_forms(self):
        """The cleaned forms of the inline panels' items, but those deleted."""
        for formset in self.formsets.values():
            formset.is_valid()  # as the form's own is_valid does after this
            yield from (form for form in formset.forms if not form.cleaned_data.get("DELETE"))


class SnippetForm(CalendarMixin, ChosenObjectsMixin, WagtailAdminModelForm):
    """The form of the portal's snippets. Of a snippet that belongs to a site (home.models.
    SiteSnippet), its user picks one of the sites they work for (home.access); those who work only
    for other sites than the default one (an agency's own staff) must pick one, and everyone must
    in a form whose `site_required` is set (a poll's: its votes are one agency's)."""

    site_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.locale.language_code != source_language():
            # A translation's site, a poll's period, an agency's phone…: its original's.
            for name in getattr(self._meta.model, "shared_fields", list)():
                if name in self.fields:
                    self.fields[name].disabled = True
        field, user = self.fields.get("site"), self.for_user
        if field is None:
            return
        # A translation's is its original's, even none (its site deleted).
        field.required = self.site_required and not field.disabled
        if user is None or sites_of(user) is EVERYTHING:
            return
        field.queryset = field.queryset.filter(pk__in=sites_of(user))
        field.required = not field.disabled and (self.site_required or not works_for(user, None))
        if field.required and not self.instance.pk and len(sites_of(user)) == 1:
            self.initial["site"] = next(iter(sites_of(user)))


class PortalSettingsForm(ChosenObjectsMixin, WagtailAdminModelForm):
    """The portal settings' form: a site shows its own snippets and those of every site.

    Wagtail describes the sidebar's StreamField to the editor's scripts as a widget whose script
    comes only with another kind of field, which these settings lack: without it, the page stops
    on an error in the browser ("unknown object type wagtail.widgets.BlockWidget")."""

    def clean(self):
        cleaned_data = super().clean()
        site_id, snippet_models = self.instance.site_id, site_snippet_models()
        for model, ids in _chosen_in(self._meta.model, cleaned_data).items():
            if model in snippet_models:
                shown = model.objects.for_site(site_id).filter(pk__in=[int(pk) for pk in ids])
                if shown.count() != len(ids):
                    self.add_error(None, _("Choose the snippets of this site, or of every site."))
                    break
        return cleaned_data

    class Media:
        js = ["wagtailadmin/js/telepath/widgets.js"]


class PortalPageForm(CalendarMixin, ChosenObjectsMixin, WagtailAdminPageForm):
    """The portal's page forms take only what their user may choose (ChosenObjectsMixin), and
    refuse a slug that a route of the parent page answers (a category's "rss/"): the child would
    never be served."""

    def clean_slug(self):
        # The browser makes the slug ASCII when its field loses the focus, not when the form is
        # sent from that field (Enter); a title of punctuation gives "--". Lower case, as every
        # address of the portal: a reader typing it in lower case finds the page.
        slug = self.cleaned_data.get("slug", "")
        if not slug or (slug.isascii() and any(char.isalnum() for char in slug)):
            return slug.lower()
        slug = slugify_vi(slug)
        if not slug:
            raise ValidationError(_("An address needs letters or digits."))
        return slug

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug in getattr(self.parent_page.specific_class, "reserved_child_slugs", ()):
            self.add_error(
                "slug",
                _("“%(slug)s” is taken by a feature of the parent page (such as its RSS feed): choose another address.")
                % {"slug": slug},
            )
        return cleaned_data
