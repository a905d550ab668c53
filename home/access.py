"""What a member of staff works on, read from their page permissions: the languages they write in
and the agencies' sites they work for. In this portal both are given through page trees
(editorial.roles): the right to change pages of a site's tree in a language, or of every tree
through Wagtail's root page, is the right to write in that language and for that site.

Read once per user object, which lives as long as the request."""

from typing import NamedTuple

from wagtail.models import GroupPagePermission, Page, Site

EVERYTHING = None
_CACHE = "_portal_access"


class Access(NamedTuple):
    languages: set | None  # locale ids, or EVERYTHING
    sites: set | None  # site ids, or EVERYTHING
    default_site: bool  # whether the default site is among them


def _access(user):
    if not hasattr(user, _CACHE):
        grants = []
        if not user.is_superuser:
            grants = list(
                GroupPagePermission.objects.filter(group__user=user, permission__codename="change_page").values_list(
                    "page__depth", "page__locale_id", "page_id"
                )
            )
        if user.is_superuser or any(depth == 1 for depth, _locale, _page in grants):
            access = Access(EVERYTHING, EVERYTHING, True)
        else:
            sites = _sites_of_pages({page for *_, page in grants})
            default = Site.objects.filter(pk__in=sites, is_default_site=True).exists()
            access = Access({locale for _depth, locale, _page in grants}, sites, default)
        setattr(user, _CACHE, access)
    return getattr(user, _CACHE)


def _sites_of_pages(pages):
    """The ids of the sites whose pages are, in some language, those of the pages `pages` or
    below them: the sites whose root is at or below one of those pages, and the site that a page
    is in (the one whose root is its nearest ancestor, as Wagtail routes it)."""
    if not pages:
        return set()
    keys = Page.objects.filter(pk__in=pages).values("translation_key")
    paths = set(Page.objects.filter(translation_key__in=keys).values_list("path", flat=True))
    roots = list(Site.objects.values_list("pk", "root_page__path"))
    sites = set()
    for path in paths:
        sites |= {pk for pk, root in roots if root.startswith(path)}
        around = [(len(root), pk) for pk, root in roots if path.startswith(root)]
        if around:
            sites.add(max(around)[1])
    return sites


def languages_of(user):
    """The ids of the locales `user` writes in, or EVERYTHING."""
    return _access(user).languages


def writes_in(user, locale_id):
    languages = languages_of(user)
    return languages is EVERYTHING or locale_id in languages


def sites_of(user):
    """The ids of the sites `user` works for, or EVERYTHING."""
    return _access(user).sites


def works_for(user, site_id):
    """Whether `user` works for the site `site_id`. What belongs to no site is every site's to use
    and the default site's (the installation's first agency) to change."""
    access = _access(user)
    if site_id is None:
        return access.default_site
    return access.sites is EVERYTHING or site_id in access.sites


def may_use(user, site_id):
    """Whether `user` may see and choose what belongs to the site `site_id` (or to no site)."""
    return site_id is None or works_for(user, site_id)


def usable_by(user, queryset):
    """Of `queryset` (of a home.models.SiteSnippet), what `user` may use: their sites' and every
    site's."""
    sites = sites_of(user)
    return queryset if sites is EVERYTHING else queryset.for_sites(sites)
