"""The admin's URLs, shared by the tests that visit all of them (test_roles.py, test_crawl.py)."""

from django.urls import URLPattern, URLResolver, get_resolver

# Admin views meant for visitors who are not signed in: the login and password reset pages, and
# the icons and JavaScript translations those pages use.
PUBLIC_ADMIN_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


def admin_views_without_arguments():
    """The (namespaced) name of every admin view whose URL takes no argument."""
    admin = next(
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and str(entry.pattern).lstrip("^").startswith("admin/")
    )
    names = []

    def walk(patterns, namespace):
        for entry in patterns:
            if entry.pattern.regex.groups:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.append(f"{namespace}{entry.name}")

    walk(admin.url_patterns, "")
    return names
