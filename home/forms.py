from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm

from .text import slugify_vi


class AdminLoginForm(LoginForm):
    """Wagtail's login form, whose password field has no label: Django then shows the field's
    name, "Password", untranslated on the Vietnamese login page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


class PortalSettingsForm(WagtailAdminModelForm):
    """The portal settings' form. Wagtail describes the sidebar's StreamField to the editor's
    scripts as a widget whose script comes only with another kind of field, which these settings
    lack: without it, the page stops on an error in the browser ("unknown object type
    wagtail.widgets.BlockWidget")."""

    class Media:
        js = ["wagtailadmin/js/telepath/widgets.js"]


class PortalPageForm(WagtailAdminPageForm):
    """The portal's page forms refuse a slug that a route of the parent page answers (a category's
    "rss/"): the child would never be served."""

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
