from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Portal")

    def ready(self):
        from django.conf import settings
        from PIL import Image
        from wagtail.models import ReferenceIndex

        from .models import PortalSettings
        from .signals import ensure_content_locales, index_site_settings

        post_migrate.connect(ensure_content_locales, sender=self)
        post_migrate.connect(index_site_settings, sender=self)
        Image.MAX_IMAGE_PIXELS = settings.PILLOW_MAX_IMAGE_PIXELS
        # A site's agency and sidebar boxes are snippets: their "Usage" in the admin (and the
        # warning before one is deleted) names the sites' settings that show them.
        ReferenceIndex.register_model(PortalSettings)


def project_app_configs():
    """The installed apps that belong to this project (top-level packages beside manage.py)."""
    from django.apps import apps
    from django.conf import settings

    return [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]
