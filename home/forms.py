from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm

from .media import REFUSAL, may_choose, media_models
from .text import slugify_vi


class AdminLoginForm(LoginForm):
    """Wagtail's login form, whose password field has no label: Django then shows the field's
    name, "Password", untranslated on the Vietnamese login page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


def _media_in(model, values):
    """{image or document model: ids} that `values` (a field's name: its value, as a form cleans
    it or as the instance holds it) refer to: in foreign keys, StreamFields and rich text."""
    found = defaultdict(set)
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if value is None or value == "":
            continue
        if field.many_to_one and field.related_model in media_models():
            found[field.related_model].add(str(value.pk if isinstance(value, models.Model) else value))
        elif hasattr(field, "extract_references"):
            for to_model, pk, _path, _content_path in field.extract_references(value):
                if to_model in media_models():
                    found[to_model].add(str(pk))
    return found


class ChosenMediaMixin:
    """An admin form that takes only the images and documents its user may choose (home.media).
    What the object already shows stays (an approver may have chosen it, or it predates the
    agency's collection); what is added must be choosable. Only the form's own fields are checked:
    no inline panel's model holds media (tests/test_chosen_media.py keeps it so)."""

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        if user is None or user.is_superuser:
            return cleaned_data
        model = self._meta.model
        submitted = _media_in(model, cleaned_data)
        if may_choose(user, submitted):
            return cleaned_data
        fields = model._meta.concrete_fields
        kept = _media_in(model, {field.name: field.value_from_object(self.instance) for field in fields})
        if not may_choose(user, {media: ids - kept.get(media, set()) for media, ids in submitted.items()}):
            self.add_error(None, REFUSAL)
        return cleaned_data


class ChosenMediaForm(ChosenMediaMixin, WagtailAdminModelForm):
    """The form of a snippet that shows an image or a document."""


class PortalSettingsForm(WagtailAdminModelForm):
    """The portal settings' form. Wagtail describes the sidebar's StreamField to the editor's
    scripts as a widget whose script comes only with another kind of field, which these settings
    lack: without it, the page stops on an error in the browser ("unknown object type
    wagtail.widgets.BlockWidget")."""

    class Media:
        js = ["wagtailadmin/js/telepath/widgets.js"]


class PortalPageForm(ChosenMediaMixin, WagtailAdminPageForm):
    """The portal's page forms take only the media their user may choose (ChosenMediaMixin), and
    refuse a slug that a route of the parent page answers (a category's "rss/"): the child would
    never be served."""

    def clean_slug(self):
        # The browser makes the slug ASCII when its field loses the focus, not when the form is
        # sent from that field (Enter); a title of punctuation gives "--".
        slug = self.cleaned_data.get("slug", "")
        if not slug or (slug.isascii() and any(char.isalnum() for char in slug)):
            return slug
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
