from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import DomainNameValidator
from django.http.request import validate_host
from wagtail.models import Site

from home.agencies import add_agency_site


class Command(BaseCommand):
    help = (
        "Start an agency's site in this installation: its agency profile, its home page (a page tree "
        "of its own, given to the editorial roles) and its Site at HOSTNAME. The first one takes the "
        "place of Wagtail's welcome page as the default site."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help='The agency\'s name, e.g. "Ủy ban nhân dân phường Hải Châu".')
        parser.add_argument("--hostname", required=True, help="e.g. haichau.danang.gov.vn")
        parser.add_argument("--port", type=int, default=443, help="443 (the default) for HTTPS, 80 for HTTP.")
        parser.add_argument("--parent", default="", help='The parent authority, e.g. "Thành phố Đà Nẵng".')

    def handle(self, *args, name, hostname, port, parent, **options):
        hostname = hostname.lower()
        try:
            DomainNameValidator()(hostname)
        except ValidationError:
            raise CommandError(f"{hostname!r} is not a host name: give it alone, e.g. haichau.danang.gov.vn.") from None
        if Site.objects.filter(hostname=hostname, port=port).exists():
            raise CommandError(f"A site at {hostname}:{port} exists already.")
        site = add_agency_site(name, hostname, port, parent)
        self.stdout.write(self.style.SUCCESS(f"{name}: {site.root_url}/ (home page {site.root_page_id})."))
        if not validate_host(hostname, settings.ALLOWED_HOSTS):
            self.stdout.write(self.style.WARNING(f"Add {hostname} to ALLOWED_HOSTS, or the site answers 400."))
        self.stdout.write(
            "Next, in the admin: the agency's logo and contacts (its agency profile), the site's sidebar "
            "(its portal settings), and the English site (translate the home page)."
        )
