from csp.constants import HEADER
from csp.utils import build_policy
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

from .translation import source_language


def is_admin_path(request):
    return request.path_info.startswith(reverse("wagtailadmin_home"))


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, but only "/" leads to the visitor's language: any other address
    without its language (a link to a Vietnamese page shared without /vi/) leads to the page in the
    language content is written in. A page's address is made of its own language's slugs, and
    /en/ followed by a Vietnamese page's is no page.

    The admin's addresses have no language (AdminLanguageMiddleware): its answers, a 404 included,
    are left as they are. Django's would send an address the admin does not know (an API's id that
    does not exist, a form's POST) to /vi/admin/…, which the pages' catch-all pattern takes, and on
    to the public 404 page."""

    def process_response(self, request, response):
        if is_admin_path(request):
            return response
        if request.path_info == "/" or translation.get_language_from_path(request.path_info):
            return super().process_response(request, response)
        with translation.override(source_language()):
            return super().process_response(request, response)


class AdminLanguageMiddleware:
    """The admin speaks LANGUAGE_CODE unless the user chose a language in their account.

    Wagtail falls back to the request's language when a user has no preference, which outside
    i18n_patterns is the browser's; an editor with an English browser would then get an English
    admin. Wagtail applies a stated preference itself, on top of this default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin_path(request):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """The strict policy of CONTENT_SECURITY_POLICY on public pages; the Wagtail admin, which
    needs inline scripts and styles, gets ADMIN_CONTENT_SECURITY_POLICY instead.

    The policies use no nonce, so each is built once (with django-csp's `build_policy`): django-csp's
    own middleware builds them anew for every response, a tenth of what serving a cached page
    costs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = build_policy()
        self.admin = build_policy(config=settings.ADMIN_CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # Django's debug pages for errors run inline scripts and styles.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response[HEADER] = self.admin if is_admin_path(request) else self.public
        return response
