"""The admin report of a survey: figures per month and per service, the responses and their
comments, and their export to CSV and XLSX."""

import codecs
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import django_filters
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permission_policies import ModelPermissionPolicy

from home.access import works_for
from home.models import Department

from .models import Survey, SurveyResponse
from .results import Results, tally

# A spreadsheet opening a CSV file runs a cell that starts so as a formula: a citizen's comment
# must stay text ("CSV injection"). Wagtail guards its XLSX export, not the CSV one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# One colour per answer, best to worst (dark enough for 3:1 against white); more answers repeat them.
PALETTE = ["#1a6b34", "#4d8a1f", "#6b6b6b", "#b35900", "#a61b1b", "#0b4f8a", "#6a3d9a"]


class ResponseFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    option = django_filters.ModelChoiceFilter(label=_("Answer"), queryset=None)
    service = django_filters.ModelChoiceFilter(label=_("Department or service"), queryset=None)
    has_comment = django_filters.BooleanFilter(
        label=_("With a comment"), method="filter_has_comment", widget=BooleanRadioSelect
    )

    class Meta:
        model = SurveyResponse
        fields = []

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["option"].queryset = survey.options.all()
        self.filters["service"].queryset = Department.objects.for_site(survey.site_id).filter(
            locale_id=survey.locale_id
        )

    def filter_has_comment(self, queryset, name, value):
        return queryset.exclude(comment="") if value else queryset.filter(comment="")


@dataclass
class Row:
    label: str
    results: Results


@dataclass
class Segment:
    y: float
    height: float
    color: str
    label: str
    votes: int


@dataclass
class Column:
    x: int
    center: int
    month: date
    segments: list[Segment]


def _months(first, last):
    """The first day of every month from `first` to `last`."""
    month = first
    while month <= last:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def per_month(responses, options):
    """One row a month, in the agency's time zone, from the first month with votes to the last."""
    counts = defaultdict(dict)
    month_of = TruncMonth("created_at", tzinfo=timezone.get_default_timezone())
    for month, option, votes in (
        responses.annotate(month=month_of).values_list("month", "option").annotate(votes=Count("pk")).order_by()
    ):
        counts[month.date()][option] = votes
    if not counts:
        return []
    return [Row(month, tally(options, counts.get(month, {}))) for month in _months(min(counts), max(counts))]


def per_service(responses, options):
    """One row a service named in the responses, alphabetically; those naming none last."""
    counts = defaultdict(dict)
    names = {}
    for service, name, option, votes in (
        responses.values_list("service", "service__name", "option").annotate(votes=Count("pk")).order_by()
    ):
        counts[service][option] = votes
        names[service] = name
    named = sorted((pk for pk in counts if pk is not None), key=lambda pk: names[pk].casefold())
    rows = [Row(names[pk], tally(options, counts[pk])) for pk in named]
    if None in counts:
        rows.append(Row(_("No department or service named"), tally(options, counts[None])))
    return rows


def month_chart(months, options, height=160, bar=28, gap=14):
    """Stacked columns of votes per answer, one a month, scaled to the busiest month."""
    top = max((row.results.total for row in months), default=0) or 1
    columns = []
    for i, row in enumerate(months):
        y = height
        segments = []
        for j, result in enumerate(row.results.options):
            size = result.votes * height / top
            y -= size
            segments.append(Segment(y, size, PALETTE[j % len(PALETTE)], result.label, result.votes))
        x = i * (bar + gap)
        columns.append(Column(x, x + bar // 2, row.label, segments))
    return {
        "columns": columns,
        "width": max(len(columns) * (bar + gap) - gap, bar),
        "height": height,
        "bar": bar,
        "top": top,
        "legend": [(option.label, PALETTE[j % len(PALETTE)]) for j, option in enumerate(options)],
    }


class SurveyReportView(ReportView):
    template_name = "feedback/admin/report.html"
    results_template_name = "feedback/admin/report_results.html"
    page_title = _("Poll report")
    header_icon = "list-ul"
    filterset_class = ResponseFilterSet
    paginate_by = 20
    # The responses are what citizens wrote: reading them is a permission of its own, which
    # translators (who change polls to translate them) do not hold.
    permission_policy = ModelPermissionPolicy(SurveyResponse)
    permission_required = "view"
    list_export = ["pk", "created_at", "option", "service", "language", "page", "comment"]
    export_headings = {
        "pk": pgettext_lazy("poll response", "ID"),
        "created_at": _("Time"),
        "option": _("Answer"),
        "service": _("Department or service"),
        "language": _("Language"),
        "page": _("Page"),
        "comment": pgettext_lazy("poll response", "Comment"),
    }
    # Times in the agency's time zone, as it reads them.
    custom_field_preprocess = {
        "created_at": {
            ReportView.FORMAT_CSV: lambda value: timezone.localtime(value, timezone.get_default_timezone()).isoformat(
                timespec="seconds"
            ),
            ReportView.FORMAT_XLSX: lambda value: timezone.make_naive(value, timezone.get_default_timezone()),
        }
    }
    survey_list_url_name = None

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.survey = get_object_or_404(Survey, pk=pk)
        # The citizens' answers are the poll's site's (of a poll of no site, the default site's).
        if not works_for(request.user, self.survey.site_id):
            raise Http404

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value

    def stream_csv(self, queryset):
        # Excel reads a CSV file without a byte order mark in the computer's code page: Vietnamese
        # comes out garbled.
        yield codecs.BOM_UTF8
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def get_page_subtitle(self):
        return self.survey.question

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.survey_list_url_name), "label": Survey._meta.verbose_name_plural},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.survey.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.survey.pk])

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "survey": self.survey.source}

    def get_filename(self):
        return f"poll-{self.survey.source.pk}-responses-{timezone.localdate():%Y-%m-%d}"

    def get_base_queryset(self):
        return self.survey.source.responses.select_related("option", "service", "page").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            options = self.survey.labelled_options()
            # The responses name their answers as the tables do, in this version's language.
            labels = {option.pk: option.label for option in options}
            for response in context["object_list"]:
                response.option.label = labels.get(response.option_id, response.option.label)
            months = per_month(self.object_list, options)
            context.update(
                survey=self.survey,
                options=options,
                overall_rows=[_overall(options, months)],
                months=months,
                chart=month_chart(months, options),
                services=per_service(self.object_list, options),
            )
        return context


def _overall(options, months):
    totals = defaultdict(int)
    for row in months:
        for result in row.results.options:
            totals[result.pk] += result.votes
    return Row(_("All responses in the period"), tally(options, totals))
