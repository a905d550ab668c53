from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import DomainNameValidator
from django.db.models import Q
from django.http.request import validate_host
from wagtail.models import Site

from home.agencies import add_agency_site
from home.models import AgencyProfile

MAX_PORT = 65535


def longest(*fields):
    """The most characters every one of `fields` ((model, field name) pairs) can store."""
    return min(model._meta.get_field(field).max_length for model, field in fields)


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
        name, parent, hostname = name.strip(), parent.strip(), hostname.lower()
        if not name:
            raise CommandError('The agency\'s name is empty: give it, e.g. "Ủy ban nhân dân phường Hải Châu".')
        # The name is the profile's and the site's; the parent authority's, the profile's.
        limit = longest((AgencyProfile, "name"), (Site, "site_name"))
        if len(name) > limit:
            raise CommandError(f"The agency's name is {len(name)} characters long: shorten it to {limit} at most.")
        limit = longest((AgencyProfile, "parent_name"))
        if len(parent) > limit:
            raise CommandError(
                f"The parent authority's name is {len(parent)} characters long: shorten it to {limit} at most."
            )
        if not 1 <= port <= MAX_PORT:
            raise CommandError(f"{port} is not a port: give one from 1 to {MAX_PORT} (443 for HTTPS, 80 for HTTP).")
        try:
            DomainNameValidator()(hostname)
        except ValidationError:
            raise CommandError(f"{hostname!r} is not a host name: give it alone, e.g. haichau.danang.gov.vn.") from None
        if Site.objects.filter(hostname=hostname, port=port).exists():
            raise CommandError(f"A site at {hostname}:{port} exists already.")
        # give_own_staff names an agency's groups, workflow and collection after its site's name, or
        # its host name when it has none: two sites known by one name could not both have their own.
        other = Site.objects.filter(Q(site_name=name) | Q(site_name="", hostname=name)).first()
        if other is not None:
            raise CommandError(
                f"The site at {other.hostname}:{other.port} goes by “{name}” already: give this agency a name "
                "of its own (give_own_staff names its staff's groups after it)."
            )
        site = add_agency_site(name, hostname, port, parent)
        self.stdout.write(self.style.SUCCESS(f"{name}: {site.root_url}/ (home page {site.root_page_id})."))
        if not validate_host(hostname, settings.ALLOWED_HOSTS):
            self.stdout.write(self.style.WARNING(f"Add {hostname} to ALLOWED_HOSTS, or the site answers 400."))
        self.stdout.write(
            "Next, in the admin: the agency's logo and contacts (its agency profile), the site's sidebar "
            "(its portal settings), and the English site (translate the home page)."
        )
