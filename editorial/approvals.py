"""Who approved the published version of a page.

Wagtail's audit log records who published each revision: the approver whose approval published
it (a workflow's approval publishes as the approver), or whoever published it directly. A revision
approved with a go-live time in the future is recorded by whoever scheduled it; the publication
itself, at that time, is done by `publish_scheduled` on no one's behalf.
"""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from wagtail.models import PageLogEntry

APPROVING_ACTIONS = ["wagtail.publish", "wagtail.publish.schedule"]


def with_approver_id(pages):
    """Annotate a page queryset with `approver_id`, the user who approved its live revision."""
    approvals = PageLogEntry.objects.filter(
        page=OuterRef("pk"),
        revision=OuterRef("live_revision"),
        action__in=APPROVING_ACTIONS,
        user__isnull=False,
    ).order_by("-timestamp", "-pk")
    return pages.annotate(approver_id=Subquery(approvals.values("user")[:1]))


def attach_approvers(pages):
    """Set `approver` (a user or None) on pages annotated by `with_approver_id`, in one query."""
    pages = list(pages)
    users = get_user_model().objects.in_bulk({page.approver_id for page in pages if page.approver_id})
    for page in pages:
        page.approver = users.get(page.approver_id)
    return pages
