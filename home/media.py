"""Images and documents in the admin beyond its listings and choosers: the admin API shows an
agency's staff only what they may choose (home.choosing), their agency's collection.

Wagtail's admin API lists every image and document outside the collections behind a view
restriction, with their download addresses."""

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from .choosing import choosable


class ChoosableAPIMixin:
    def get_queryset(self):
        return super().get_queryset() & choosable(self.request.user, self.model)


class ChoosableImagesAdminAPIViewSet(ChoosableAPIMixin, ImagesAdminAPIViewSet):
    pass


class ChoosableDocumentsAdminAPIViewSet(ChoosableAPIMixin, DocumentsAdminAPIViewSet):
    pass
