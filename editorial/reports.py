"""The admin's reports that list content of every agency, kept to what the user works on: Wagtail's
site history lists the actions on every snippet to whoever holds a permission on its model,
wagtail-localize's translations report lists every translation to everyone, and Wagtail's page
types usage counts every agency's pages and names the last edited of each type, drafts included.
portal.urls serves these views in their place, at the same addresses."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, Page
from wagtail_localize.views.report import TranslationsReportView

from home.access import EVERYTHING, sites_of, usable_by
from home.choosing import site_snippet_models
from news.models import NewsTag

from .panels import trees_to_translate


def _history_seen_by(user, entries):
    """Of the log `entries`, those `user` may see: not those of other agencies' snippets, nor, but
    for those who work for every site, of snippets deleted since, whose site is no longer known.
    Entries of pages Wagtail keeps to the pages the user may browse; those of images and documents
    to whoever holds a permission on their model, which the editorial roles give only in
    collections."""
    if entries.model is not ModelLogEntry or sites_of(user) is EVERYTHING:
        return entries
    for model in site_snippet_models():
        ids = usable_by(user, model.objects.all()).annotate(key=Cast("pk", CharField())).values("key")
        entries = entries.exclude(Q(content_type=ContentType.objects.get_for_model(model)) & ~Q(object_id__in=ids))
    return entries


class SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        """Those who did what the user sees; Wagtail names everyone who acted on any page."""
        user = self.request.user
        ids = set()
        for log_model in log_registry.get_log_entry_models():
            ids |= _history_seen_by(user, log_model.objects.viewable_by_user(user)).get_user_ids()
        users = get_user_model()
        return users.objects.filter(pk__in=ids).order_by(users.USERNAME_FIELD)


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history, and its list of users, of what the user may see."""

    filterset_class = SiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return _history_seen_by(self.request.user, super().filter_queryset(queryset))


class TranslationsReport(TranslationsReportView):
    """wagtail-localize's translations report, of the pages of the user's trees (those they may be
    asked to translate) and of the snippets of their sites or of every site; the newest first (in
    a stable order from one page of results to the next, which wagtail-localize's lacks)."""

    def get_queryset(self):
        user = self.request.user
        pages = Page.objects.values("translation_key")
        translations = (
            super()
            .get_queryset()
            .order_by("-created_at", "-pk")
            .select_related("source", "source__locale", "source__specific_content_type", "target_locale")
            .filter(~Q(source__object_id__in=pages) | Q(source__object_id__in=pages.filter(trees_to_translate(user))))
        )
        sites = sites_of(user)
        if sites is EVERYTHING:
            return translations
        for model in site_snippet_models():
            others = model.objects.exclude(pk__in=usable_by(user, model.objects.all()))
            translations = translations.exclude(source__object_id__in=others.values("translation_key"))
        hidden_tags = NewsTag.objects.exclude(pk__in=NewsTag.objects.known_to(user).values("pk"))
        return translations.exclude(source__object_id__in=hidden_tags.values("translation_key"))


class PageTypesUsageReport(PageTypesUsageReportView):
    """Wagtail's page types usage, for those who work for every site (editorial.wagtail_hooks
    leaves it out of the others' menu)."""

    def dispatch(self, request, *args, **kwargs):
        if sites_of(request.user) is not EVERYTHING:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
