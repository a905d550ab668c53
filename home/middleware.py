from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of CONTENT_SECURITY_POLICY on public pages; the Wagtail admin, which
    needs inline scripts and styles, gets ADMIN_CONTENT_SECURITY_POLICY instead."""

    @cached_property
    def admin_prefix(self):
        return reverse("wagtailadmin_home")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(self.admin_prefix):
            return PolicyParts(config=settings.ADMIN_CONTENT_SECURITY_POLICY, nonce=parts.nonce)
        return parts
