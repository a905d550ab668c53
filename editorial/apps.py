from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class EditorialConfig(AppConfig):
    default = True
    name = "editorial"
    verbose_name = _("Editorial workflow")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save
        from wagtail.models import Page, PageViewRestriction
        from wagtail.search import index
        from wagtail.signals import page_published, page_unpublished, post_page_move
        from wagtail_localize.models import SegmentOverride

        from .overrides import refuse_unchosen_media
        from .publication import (
            keep_translations_unpublished,
            mirror_view_restrictions,
            move_translations,
            withdraw_translations,
        )
        from .roles import grant_new_tree

        post_save.connect(grant_new_tree, dispatch_uid="editorial.grant_new_tree")
        pre_save.connect(refuse_unchosen_media, sender=SegmentOverride, dispatch_uid="editorial.refuse_unchosen_media")
        page_unpublished.connect(withdraw_translations, dispatch_uid="editorial.withdraw_translations")
        post_page_move.connect(move_translations, dispatch_uid="editorial.move_translations")
        page_published.connect(keep_translations_unpublished, dispatch_uid="editorial.keep_translations_unpublished")
        for signal in (post_save, post_delete):
            signal.connect(mirror_view_restrictions, sender=PageViewRestriction, dispatch_uid="editorial.mirror")

        # Wagtail's page explorer offers a "Has child pages" filter that its search cannot apply:
        # numchild is no search filter of Page (a server error for everyone who searched with it).
        if "numchild" not in {field.field_name for field in Page.search_fields}:
            Page.search_fields = [*Page.search_fields, index.FilterField("numchild")]


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app (in INSTALLED_APPS in its place), with its user forms amended."""

    user_viewset = "editorial.users.UserViewSet"
