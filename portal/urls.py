from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.account import LogoutView
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from editorial.reports import PageTypesUsageReport, SiteHistoryView, TranslationsReport
from editorial.views import (
    ActionView,
    ChosenPagesView,
    CollectActionDataView,
    ConfirmCancellationView,
    PreviewForTaskView,
    PrivacyView,
)
from home.tags import autocomplete as tag_autocomplete
from news.sitemaps import TranslatedSitemap

from .views import favicon, robots_txt

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"


def admin_view(view):
    return never_cache(require_admin_access(view))


urlpatterns = [
    # Wagtail's logout view deletes the session cookie even when it refuses a GET (405): a link or
    # an image pointing at it would sign an editor out. Only a POST (the admin's own form) gets in.
    path("admin/logout/", require_admin_access(require_POST(LogoutView.as_view()))),
    # Wagtail's tag autocomplete, suggesting only the tags the user may see (home.tags).
    path("admin/tag-autocomplete/", admin_view(tag_autocomplete)),
    path("admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/", admin_view(tag_autocomplete)),
    # Wagtail's and wagtail-localize's reports that list every agency's content, kept to the user's
    # own (editorial.reports), guarded as the admin guards its views.
    path("admin/reports/site-history/", admin_view(SiteHistoryView.as_view())),
    path("admin/reports/site-history/results/", admin_view(SiteHistoryView.as_view(results_only=True))),
    path("admin/localize/reports/translations/", admin_view(TranslationsReport.as_view())),
    path("admin/localize/reports/translations/results/", admin_view(TranslationsReport.as_view(results_only=True))),
    path("admin/reports/page-types-usage/", admin_view(PageTypesUsageReport.as_view())),
    path("admin/reports/page-types-usage/results/", admin_view(PageTypesUsageReport.as_view(results_only=True))),
    path("admin/pages/<int:page_id>/privacy/", admin_view(PrivacyView.as_view())),
    path("admin/choose-page/chosen-multiple/", admin_view(ChosenPagesView.as_view())),
    path("admin/pages/workflow/confirm_cancellation/<int:page_id>/", admin_view(ConfirmCancellationView.as_view())),
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        admin_view(ActionView.as_view()),
    ),
    path(
        "admin/pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        admin_view(CollectActionDataView.as_view()),
    ),
    path("admin/pages/workflow/preview/<int:page_id>/<int:task_id>/", admin_view(PreviewForTaskView.as_view())),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap}}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every public URL carries its language: /vi/… and /en/…; "/" redirects to the visitor's
# language (LocaleMiddleware), Vietnamese when the browser prefers neither.
urlpatterns += i18n_patterns(
    path("", include("news.urls")),
    path("", include("feedback.urls")),
    path("", include("search.urls")),
    path("", include(wagtail_urls)),
)
