from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from home.apps import project_app_configs


def project_catalog_dirs():
    """The project's catalogs: LOCALE_PATHS, then each project app's own `locale` folder."""
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    dirs += [Path(app_config.path) / "locale" for app_config in project_app_configs()]
    return [path for path in dirs if path.is_dir()]


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogs (LOCALE_PATHS and the apps' locale folders) to .mo "
        "with polib, so that no system gettext tools are needed."
    )

    def handle(self, *args, **options):
        for catalog_dir in project_catalog_dirs():
            for po_path in sorted(catalog_dir.glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"{po_path}: {catalog.percent_translated()}% translated")
