import importlib.util
import os
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from home.apps import project_app_configs

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "portal-demo-2026")
DEFAULT_PORTS = {"http": 80, "https": 443}


def site_address(admin_url):
    """The host and port of `admin_url` (its scheme's port when it names none)."""
    parts = urlsplit(admin_url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port out of range, or not a number
        port = None
    if not parts.hostname or port is None:
        raise CommandError(f"{admin_url!r} is not an address such as http://127.0.0.1:8000/admin/.")
    return parts.hostname, port


class Command(BaseCommand):
    help = (
        "Create the demo site: locales, home pages, agency, and each app's demo content "
        "(its demo.load()). Idempotent: a second run changes nothing, but for the demo site's address, "
        "which follows --admin-url. With DEBUG on, also a demo administrator and the apps' demo users "
        "(their demo.demo_users()), whose logins are printed; an account that exists already keeps its "
        "password, and its login is printed with the demo password only when that is its password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            default="http://127.0.0.1:8000/admin/",
            help="The admin's address printed with the demo logins (`make run` passes its HOST and PORT); "
            "the demo site is served at its host and port.",
        )

    def handle(self, *args, **options):
        hostname, port = site_address(options["admin_url"])
        modules = []
        with transaction.atomic():
            for app_config in project_app_configs():
                module_name = f"{app_config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                if app_config.name == "home":  # the demo site, served at the admin's address
                    module.load(hostname=hostname, port=port)
                else:
                    module.load()
                modules.append(module)
                self.stdout.write(f"Demo content of {app_config.label}: ready.")
        if settings.DEBUG:
            self._demo_admin(options["admin_url"])
            self._demo_users(modules)

    def _demo_admin(self, admin_url):
        User = get_user_model()
        if not User.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
            User.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", DEMO_ADMIN_PASSWORD)
        self._print_login(f"Demo administrator (development only): {admin_url}", DEMO_ADMIN_USERNAME)

    def _demo_users(self, modules):
        for module in modules:
            if not hasattr(module, "demo_users"):
                continue
            with transaction.atomic():
                logins = module.demo_users(DEMO_ADMIN_PASSWORD)
            for role, username in logins:
                self._print_login(f"Demo user (development only), {role}:", username)

    def _print_login(self, prefix, username):
        """`username`'s login as it works now. An account made before keeps its password (an
        administrator may have changed it, or the demo password was another): the demo password is
        printed only when it is the account's."""
        user = get_user_model().objects.get(username=username)
        if not user.is_active:
            self.stdout.write(
                self.style.WARNING(f"{prefix} user: {username} is deactivated and cannot sign in (Settings → Users).")
            )
        elif check_password(DEMO_ADMIN_PASSWORD, user.password):  # no rehash saved: a rerun changes nothing
            self.stdout.write(self.style.SUCCESS(f"{prefix} user: {username} password: {DEMO_ADMIN_PASSWORD}"))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"{prefix} user: {username} existed already and kept its password, which is not the demo "
                    "password (DEMO_ADMIN_PASSWORD)."
                )
            )
