from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView

from home.access import works_for
from home.models import Department
from home.snippets import TranslatableSnippetIndexView, TranslatableSnippetViewSet

from .models import DEFAULT_OPTIONS, Survey, SurveyOption, SurveyResponse
from .reports import SurveyReportView


class SurveyCreateView(CreateView):
    def get_initial_form_instance(self):
        """A new survey starts with the five-point scale, in the language it is written in: the
        form shows the answers filled in, for the editor to keep, change or remove."""
        survey = super().get_initial_form_instance()
        with translation.override(survey.locale.language_code):
            survey.options = [
                SurveyOption(label=str(label), counts_as_satisfied=satisfied) for label, satisfied in DEFAULT_OPTIONS
            ]
        return survey


class SurveyIndexView(TranslatableSnippetIndexView):
    report_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("service")

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        user = self.request.user
        may_read = SurveyReportView.permission_policy.user_has_permission(user, "view")
        if not may_read or not works_for(user, instance.site_id):
            return buttons
        report = ListingButton(
            _("Report"),
            url=reverse(self.report_url_name, args=[instance.pk]),
            icon_name="list-ul",
            attrs={"aria-label": _("Report of '%(title)s'") % {"title": str(instance)}},
        )
        return [report, *buttons]


class SurveyViewSet(TranslatableSnippetViewSet):
    model = Survey
    icon = "list-ul"
    menu_label = _("Satisfaction polls")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["question", "opens_at", "closes_at", "service"]
    add_view_class = SurveyCreateView
    index_view_class = SurveyIndexView
    # Wagtail's copy form would carry the original's answers, ids and all, into the copy: a new
    # poll starts from the default scale instead.
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(report_url_name=self.get_url_name("report"), **kwargs)

    def report_view(self, results_only=False):
        return self.construct_view(
            SurveyReportView,
            index_url_name=self.get_url_name("report"),
            index_results_url_name=self.get_url_name("report_results"),
            survey_list_url_name=self.get_url_name("list"),
            results_only=results_only,
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("report/<int:pk>/", self.report_view(), name="report"),
            path("report/<int:pk>/results/", self.report_view(results_only=True), name="report_results"),
        ]


register_snippet(SurveyViewSet)


@hooks.register("before_delete_snippet")
def keep_the_votes(request, instances):
    """A poll that citizens have voted in is closed, never deleted: its votes would go with it.
    (They belong to the poll in the default language; deleting a translation loses none.)"""
    polls = [instance for instance in instances if isinstance(instance, Survey)]
    voted = Survey.objects.filter(pk__in=[poll.pk for poll in polls], responses__isnull=False).distinct()
    if not voted:
        return None
    for poll in voted:
        messages.error(
            request,
            _("“%(poll)s” has votes, which would be deleted with it. Close the poll instead (set its closing time).")
            % {"poll": poll},
        )
    return redirect(Survey.snippet_viewset.get_url_name("list"))


@hooks.register("before_delete_snippet")
def keep_the_rated_departments(request, instances):
    """A department that votes or polls name is kept: they would no longer say which department
    citizens rated (and Django refuses it elsewhere too, PROTECT: feedback.models)."""
    departments = [instance.pk for instance in instances if isinstance(instance, Department)]
    named = Department.objects.filter(pk__in=departments).filter(
        Exists(SurveyResponse.objects.filter(service=OuterRef("pk")))
        | Exists(Survey.objects.filter(service=OuterRef("pk")))
    )
    if not named:
        return None
    for department in named:
        messages.error(
            request,
            _(
                "“%(department)s” cannot be deleted: votes or polls name it, and would no longer say "
                "which department they rate."
            )
            % {"department": department},
        )
    return redirect(Department.snippet_viewset.get_url_name("list"))
