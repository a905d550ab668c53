from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Locale, Site

from editorial.roles import NameTaken, give_to_own_staff


class Command(BaseCommand):
    help = (
        "Give an agency's site to staff of its own: editors, approvers and translators groups named "
        "after the agency, with the editorial roles' permissions, the page permissions on the site's "
        "trees (every language), an approval workflow whose approvers are the agency's and a collection "
        "of images and documents of its own. The portal's role groups lose their page permissions "
        "there. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("hostname", help="The agency's site, e.g. phuong-b.danang.gov.vn")
        parser.add_argument("--port", type=int, help="Needed when the host name has sites on several ports.")

    def handle(self, *args, hostname, port, **options):
        sites = Site.objects.filter(hostname=hostname.lower()).select_related("root_page").order_by("port")
        if port is not None:
            sites = sites.filter(port=port)
        found = list(sites)
        if not found:
            raise CommandError(f"No site at {hostname}{f':{port}' if port else ''} (Settings → Sites).")
        if len(found) > 1:
            ports = ", ".join(str(site.port) for site in found)
            raise CommandError(f"{hostname} has sites on ports {ports}: say which with --port.")
        site = found[0]
        top = site.root_page
        if top.depth != 2 or top.locale_id != Locale.get_default().pk:
            raise CommandError(
                f"The site's home page ({top.title}) is not the top of a page tree in the default language."
            )
        try:
            staff = give_to_own_staff(top, site.site_name or site.hostname)
        except NameTaken as taken:
            raise CommandError(
                f"{taken} exist(s) already: give the site a name of its own in Settings → Sites (or rename "
                "them), then try again."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{site.site_name or site.hostname}: the groups “{staff.editors}”, “{staff.approvers}” and "
                f"“{staff.translators}”, the workflow “{staff.workflow}” and the collection “{staff.collection}”."
            )
        )
        self.stdout.write(
            "The portal's editors, approvers and translators no longer work on this site. Add the agency's "
            "people to its groups in Settings → Users."
        )
