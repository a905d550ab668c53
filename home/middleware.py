from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse
from django.utils import translation


def is_admin_path(request):
    return request.path_info.startswith(reverse("wagtailadmin_home"))


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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of CONTENT_SECURITY_POLICY on public pages; the Wagtail admin, which
    needs inline scripts and styles, gets ADMIN_CONTENT_SECURITY_POLICY instead."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_admin_path(request):
            return PolicyParts(config=settings.ADMIN_CONTENT_SECURITY_POLICY, nonce=parts.nonce)
        return parts
