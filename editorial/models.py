from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyStaff(models.Model):
    """One agency's own editors, approvers and translators (`manage.py give_own_staff`). They hold
    the editorial roles' permissions on models, on the agency's own collection of images and
    documents, and the page permissions and approval workflow on that agency's page trees, where
    the portal's role groups hold none (editorial/roles.py). Deleting one of these groups
    (Settings → Groups) ends the arrangement: the trees stay as they are, for the administrator."""

    tree = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("home page"),
        on_delete=models.CASCADE,
        related_name="agency_staff",
        help_text=_("The agency's home page in the default language: the top of its page trees."),
    )
    editors = models.ForeignKey(Group, verbose_name=_("editors"), on_delete=models.CASCADE, related_name="+")
    approvers = models.ForeignKey(Group, verbose_name=_("approvers"), on_delete=models.CASCADE, related_name="+")
    translators = models.ForeignKey(Group, verbose_name=_("translators"), on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey(
        "wagtailcore.Workflow", verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="+"
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Where the agency's staff upload and choose images and documents; without one, they have "
            "none (run give_own_staff for the site again)."
        ),
    )

    class Meta:
        verbose_name = _("agency staff")
        verbose_name_plural = _("agency staff")

    def __str__(self):
        return str(self.tree)
