from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .fragments import cached_fragment
from .models import PortalSettings


def _site(request):
    return Site.find_for_request(request)


def _agency(request):
    agency = PortalSettings.for_request(request).agency if _site(request) else None
    if agency is None:
        return None
    # With its locale: a profile not translated yet is marked with its language (lang_attribute).
    return type(agency).objects.select_related("locale").get(pk=agency.localized.pk)


def site_agency(request):
    """The profile of the agency running the request's site, in the visitor's language; cached
    like the fragments of home/fragments.py."""
    return cached_fragment(request, "agency", lambda: _agency(request))


def _site_home(request):
    site = _site(request)
    return site.root_page.localized.specific if site else None


def portal(request):
    """What every public page shows, computed on first use only.

    `agency`: the profile of the agency running this site, in the visitor's language;
    `site_home`: the site's home page in that language.
    Both are cached like the fragments of home/fragments.py.
    """
    return {
        "agency": SimpleLazyObject(lambda: site_agency(request)),
        "site_home": SimpleLazyObject(lambda: cached_fragment(request, "site_home", lambda: _site_home(request))),
    }
