"""The admin's users: Wagtail offers "Administrator" (superuser) on the user forms to whoever may
change users; the site administrators' role (editorial.roles) stops short of that, so their forms
show the box greyed out, and what a form posts there is ignored. editorial.apps.UsersConfig
installs it in place of Wagtail's."""

from django.utils.translation import gettext_lazy as _
from wagtail.users.views import users


class SuperuserChoiceMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        field = form.fields.get("is_superuser")
        if field is not None and not self.request.user.is_superuser:
            field.disabled = True
            field.help_text = _("Only those whose own box is ticked may tick it for someone.")
        return form


class CreateView(SuperuserChoiceMixin, users.CreateView):
    pass


class EditView(SuperuserChoiceMixin, users.EditView):
    pass


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
