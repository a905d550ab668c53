"""An agency's site in this installation: its home page, its Site and its settings."""

from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Site

from .models import AgencyProfile, HomePage, PortalSettings


def home_in_language_or_404(request):
    """The live home page of the request's site in the visitor's language: 404 without one (a host
    no site serves, a language the site has no home page in yet)."""
    site = Site.find_for_request(request)
    home = site.root_page.get_translation_or_none(Locale.get_active()) if site else None
    if home is None or not home.live:
        raise Http404
    return home


def open_site(home, hostname, port, site_name):
    """The Site serving `home` at hostname:port. The first takes the place of the default site
    that Wagtail's migrations made, and Wagtail's "Welcome to your new Wagtail site!" page goes."""
    default = Site.objects.filter(is_default_site=True).first()
    welcome = Page.objects.filter(pk=getattr(default, "root_page_id", None), depth=2).exact_type(Page)
    if default is not None and not welcome.exists():
        return Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=site_name)
    site = default or Site(is_default_site=True)
    site.root_page, site.hostname, site.port, site.site_name = home, hostname, port, site_name
    site.save()
    welcome.delete()
    return site


@transaction.atomic
def add_agency_site(name, hostname, port=443, parent_name=""):
    """`name`'s site at hostname:port: its agency profile, a home page in the default language
    directly under Wagtail's root (a tree of its own, which the editorial roles receive), and the
    site's settings naming the agency; the profile is the site's (its staff change it, and no other
    agency's). Everything else (logo, contacts, sidebar boxes, the other languages) is the
    administrator's to fill in, in the admin."""
    language = Locale.get_default()
    with translation.override(language.language_code):
        home_title, portal_name = _("Home"), _("Web portal")
    agency = AgencyProfile.objects.create(locale=language, portal_name=portal_name, name=name, parent_name=parent_name)
    root = Page.get_first_root_node()
    base = slugify(hostname.replace(".", "-"))
    slug, number = base, 1
    while root.get_children().filter(slug=slug).exists():  # a.b.vn and a-b.vn, or one host on two ports
        number += 1
        slug = f"{base}-{number}"
    home = root.add_child(instance=HomePage(title=home_title, slug=slug, locale=language))
    home.save_revision().publish()
    site = open_site(home, hostname, port, name)
    agency.site = site
    agency.save(update_fields=["site"])
    settings = PortalSettings.for_site(site)
    settings.agency = agency
    settings.save()
    return site
