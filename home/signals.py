from django.conf import settings
from wagtail.models import Locale


def ensure_content_locales(**kwargs):
    """One Locale per configured content language, so that adding a language is a settings
    change followed by `migrate`."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(kwargs.get("using", "default")).get_or_create(language_code=code)
