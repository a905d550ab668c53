from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.page_privacy import SetPrivacyView
from wagtail.admin.views.pages.workflow import (
    CollectWorkflowActionDataView,
    ConfirmWorkflowCancellationView,
    PreviewRevisionForTaskView,
    WorkflowActionView,
)
from wagtail.models import Page

from home.choosing import named_keys
from home.trees import in_users_trees

from .publication import translated_source


class PrivacyView(SetPrivacyView):
    """Wagtail's "Change privacy" dialog, which for a translation says that its privacy is its
    original's and changes nothing (editorial.publication keeps them alike): the dialog would save
    a translator's choice, then see it undone."""

    def dispatch(self, request, page_id, *args, **kwargs):
        page = get_object_or_404(Page.objects.select_related("locale"), id=page_id)
        source = translated_source(page)
        if source is None or not page.permissions_for_user(request.user).can_set_view_restrictions():
            return super().dispatch(request, page_id, *args, **kwargs)  # its dialog, or its refusal
        may_change_source = source.permissions_for_user(request.user).can_set_view_restrictions()
        return render_modal_workflow(
            request,
            "editorial/privacy_of_translation.html",
            None,
            {"source": source.specific_deferred, "may_change_source": may_change_source},
        )


class ChosenPagesView(ChosenMultipleView):
    """Wagtail's answer to the pages chosen together in its page chooser (their titles, edit and
    public addresses), of the pages of the user's trees, among which the chooser offers them
    (editorial.wagtail_hooks): Wagtail's answers for any page a request names, another agency's
    drafts included."""

    def get(self, request):
        named_keys(Page, request.GET.getlist("id"))
        return super().get(request)

    def render_chosen_response(self, result):
        chosen = [page["id"] for page in result]
        shown = set(Page.objects.filter(in_users_trees(self.request.user), pk__in=chosen).values_list("pk", flat=True))
        return super().render_chosen_response([page for page in result if page["id"] in shown])


class ForWhoMayEditMixin:
    """A view of a page's workflow, which Wagtail shows whoever names the page: the confirmation of
    its cancellation says which workflow and task the page waits in (another agency's), and the
    actions and the preview of a page awaiting no review say so with its title. Shown to who may
    edit the page (its reviewers among them)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.object.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ConfirmCancellationView(ForWhoMayEditMixin, ConfirmWorkflowCancellationView):
    pass


class ActionView(ForWhoMayEditMixin, WorkflowActionView):
    pass


class CollectActionDataView(ForWhoMayEditMixin, CollectWorkflowActionDataView):
    pass


class PreviewForTaskView(ForWhoMayEditMixin, PreviewRevisionForTaskView):
    pass
