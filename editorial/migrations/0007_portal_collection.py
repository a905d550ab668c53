"""The portal's roles work in a collection of their own, "Cổng thông tin", under the root collection
(editorial/roles.py, PORTAL_COLLECTION): they held their permissions on the root collection, which
Wagtail extends to every collection under it, so to the agencies' own (`give_own_staff`), and the
portal's approvers could rename or delete an agency's images and documents, its editors choose
them.

Their permissions on the root collection move to the portal's collection, with the images and
documents of the root collection and the collections under the root that are no agency's and that
no other group holds a permission on (give_the_portal_its_collection). The administrators keep the
root collection.

Backwards, nothing moves back: the code before this migration gives the roles the root collection
again (`sync_roles` only adds), which reaches this collection and what it holds.
"""

from django.db import migrations

from editorial import roles


def forwards(apps, schema_editor):
    roles.give_the_portal_its_collection(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0006_agency_collection"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
