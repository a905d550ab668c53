"""The news articles' listing in the admin: every article the user may work on, in one table with
the columns an editor looks for, filters, and who approved the published version."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn, ParentPageColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets.boolean_radio_select import BooleanRadioSelect
from wagtail.permissions import page_permission_policy

from home.access import usable_by
from home.models import Department
from news.models import NewsArticlePage

from .approvals import attach_approvers, with_approver_id


class NewsArticleFilterSet(PageFilterSet):
    department = django_filters.ModelMultipleChoiceFilter(
        label=_("Posted by"),
        queryset=lambda request: usable_by(
            request.user, Department.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        ),
        widget=forms.CheckboxSelectMultiple,
    )
    publication_date = django_filters.DateFromToRangeFilter(label=_("Publication date"), widget=DateRangePickerWidget)
    live = django_filters.BooleanFilter(label=_("Published"), widget=BooleanRadioSelect)

    class Meta:
        model = NewsArticlePage
        fields = []


class ArticleTitleColumn(PageTitleColumn):
    cell_template_name = "editorial/listing/title_cell.html"


class NewsArticleIndexView(IndexView):
    def annotate_queryset(self, pages):
        return with_approver_id(super().annotate_queryset(pages).annotate(department_name=F("department__name")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attach_approvers(context["object_list"])
        return context


class NewsArticleMenuItem(MenuItem):
    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(request.user, {"add", "change", "publish"})


class NewsArticleListingViewSet(PageListingViewSet):
    model = NewsArticlePage
    name = "news_articles"
    icon = "doc-full"
    menu_label = _("News articles")
    menu_order = 150
    add_to_admin_menu = True
    menu_item_class = NewsArticleMenuItem
    index_view_class = NewsArticleIndexView
    filterset_class = NewsArticleFilterSet
    ordering = "-publication_date"
    columns = [
        BulkActionsColumn("bulk_actions"),
        ArticleTitleColumn("title", label=_("Title"), sort_key="title", classname="title"),
        ParentPageColumn("parent", label=_("Category")),
        Column("publication_date", label=_("Publication date"), sort_key="publication_date"),
        Column("department", label=_("Posted by"), accessor="department_name", sort_key="department_name"),
        PageStatusColumn("status", label=_("Status"), sort_key="live"),
        Column(
            "approver",
            label=_("Approved by"),
            accessor=lambda page: get_user_display_name(page.approver) if page.approver else None,
        ),
    ]
