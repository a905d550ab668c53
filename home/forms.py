from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.auth import LoginForm


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
