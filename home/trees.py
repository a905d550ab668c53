"""The page trees a user works on, and those of a site: one per language and agency under Wagtail's
root page, given through page permissions (editorial.roles)."""

from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.models import Page, Site
from wagtail.permissions import page_permission_policy


def in_site(site):
    """Q of the pages of `site` in every language: each language's version of the site is a tree of
    its own beside the site's root page (Wagtail's `in_site` takes the root page's tree alone)."""
    roots = site.root_page.get_translations(inclusive=True)
    return reduce(or_, (Page.objects.descendant_of_q(root, inclusive=True) for root in roots))


def sites_of_paths(url_paths):
    """The ids of the sites whose trees (in any language) hold the pages at `url_paths`."""
    roots = Site.get_site_root_paths()
    return {root.site_id for root in roots for url_path in url_paths if url_path.startswith(root.root_path)}


def in_users_trees(user, field="path"):
    """Q of what lies in the page trees the user works on, `field` naming its tree path: under a
    page the user holds a permission on, or under that page's translations (a translator of
    one agency's English site sees its Vietnamese news too, not another agency's). The trees are
    read once a request, as Wagtail keeps the user's permissions: several panels ask."""
    if user.is_superuser:
        return Q()
    if not hasattr(user, "_portal_tree_paths"):
        permissions = page_permission_policy.get_cached_permissions_for_user(user)
        keys = {permission.page.translation_key for permission in permissions}
        user._portal_tree_paths = list(Page.objects.filter(translation_key__in=keys).values_list("path", flat=True))
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in user._portal_tree_paths), Q(pk__in=[]))
