from django.conf import settings
from wagtail.models import Locale, ReferenceIndex

from .models import PortalSettings


def ensure_content_locales(**kwargs):
    """One Locale per configured content language, so that adding a language is a settings
    change followed by `migrate`."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(kwargs.get("using", "default")).get_or_create(language_code=code)


def index_site_settings(using="default", **kwargs):
    """The sites' settings in Wagtail's reference index (a snippet's usage names the sites that
    show it), also those saved before the settings were indexed: a few rows, kept current by
    Wagtail's signals once indexed."""
    for site_settings in PortalSettings.objects.using(using):
        ReferenceIndex.create_or_update_for_object(site_settings)
