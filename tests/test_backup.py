"""Issue 10: `backup` writes one checksummed archive; `restore` rebuilds the site from it."""

import hashlib
import io
import json
import os
import re
import stat
import subprocess
import sys
import tarfile
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from psycopg import sql
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission, Page, PageLogEntry, Site
from wagtail_localize.models import TranslationSource

from editorial import roles
from editorial.roles import ADMINISTRATORS, APPROVERS, EDITORS, TRANSLATORS
from feedback.models import SurveyResponse
from home.demo import demo_image
from home.models import PortalSettings
from ops.backups import CHUNK_SIZE, EXCLUDED_MODELS
from ops.serializers import Serializer
from visits.models import DailyCount

# The PostgreSQL server of the restores into another database (.ci/run's), when the tests run on SQLite.
POSTGRES_URL = os.environ.get("CI_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/portal_ci")


def _snapshot():
    Image = get_image_model()
    return {
        "pages": sorted(
            (p.translation_key.hex, p.locale.language_code, p.title, p.url_path, p.live)
            for p in Page.objects.select_related("locale")
        ),
        "site": [(s.hostname, s.port, s.root_page.title) for s in Site.objects.all()],
        "agency": str(PortalSettings.for_site(Site.objects.get(is_default_site=True)).agency),
        "sidebar": [b.block_type for b in PortalSettings.for_site(Site.objects.get(is_default_site=True)).sidebar],
        "votes": sorted(
            SurveyResponse.objects.values_list(
                "survey__translation_key", "option__sort_order", "visitor_token", "created_at"
            )
        ),
        "counters": sorted(DailyCount.objects.values_list("site_id", "day", "kind", "key", "count")),
        "translations": sorted(
            TranslationSource.objects.values_list("object_id", "specific_content_type__model", "locale__language_code")
        ),
        "images": sorted(
            (i.title, i.width, i.height, default_storage.open(i.file.name).read()) for i in Image.objects.all()
        ),
    }


def _snapshot_is_empty():
    return not Page.objects.filter(depth__gt=1).exists() and not get_image_model().objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_round_trip(tmp_path):
    call_command("load_demo", verbosity=0)
    before = _snapshot()
    assert before["votes"] and before["counters"] and before["translations"]
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "data.json" in manifest["members"]
    assert any(name.startswith("media/original_images/") for name in manifest["members"])

    # Lose the content: pages, settings, images and their files.
    for image in get_image_model().objects.all():
        image.file.delete(save=False)
        image.delete()
    Site.objects.all().delete()
    Page.objects.filter(depth__gt=1).delete()
    SurveyResponse.objects.all().delete()
    DailyCount.objects.all().delete()
    assert _snapshot_is_empty()

    call_command("restore", str(archive), interactive=False, verbosity=0)
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_corrupted_archive_is_refused_before_anything_changes(tmp_path):
    call_command("load_demo", verbosity=0)
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    members["data.json"] = members["data.json"].replace(b"[", b"[ ", 1)  # same data, other bytes
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="checksum mismatch for data.json"):
        call_command("restore", str(tampered), interactive=False, verbosity=0)
    assert Page.objects.count() == pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_a_new_site_without_uploads_is_backed_up(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media-not-made-yet")
    archive = tmp_path / "new.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        assert set(json.load(tar.extractfile("manifest.json"))["members"]) == {"data.json"}
    # Its owner's alone: it holds the users' password hashes.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_restore_from_a_script_without_no_input_stops_with_a_clear_message(tmp_path, db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="Use --no-input in a script"):
        call_command("restore", str(tmp_path / "any.tar.gz"), verbosity=0)
    assert Page.objects.count() == pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_reads_the_archive_in_chunks_not_whole_members(tmp_path, monkeypatch):
    """An archive of years of photos need not fit in memory: no photo, nor the data, is read whole."""
    call_command("load_demo", verbosity=0)
    before = _snapshot()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    reads = []
    extractfile = tarfile.TarFile.extractfile

    def chunked_only(self, member):
        stream = extractfile(self, member)
        if getattr(member, "name", member) == "manifest.json":  # a few kilobytes, read first
            return stream
        read = stream.read

        def read_some(size=-1):
            assert size is not None and 0 < size <= CHUNK_SIZE, f"{stream.name} read whole"
            reads.append(size)
            return read(size)

        stream.read = read_some
        return stream

    monkeypatch.setattr(tarfile.TarFile, "extractfile", chunked_only)
    # The storage is told each file's own size (object storages send it as the upload's length).
    sizes = {}
    save = FileSystemStorage._save

    def sized_save(storage, name, content):
        sizes[name] = content.size
        return save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", sized_save)
    call_command("restore", str(archive), interactive=False, verbosity=0)
    assert reads and _snapshot() == before
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert sizes == {
        name.removeprefix("media/"): member["size"]
        for name, member in manifest["members"].items()
        if name.startswith("media/")
    }


def _permissions(holder):
    return sorted(holder.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_permissions_this_database_lacks_are_left_out_of_the_restore(tmp_path):
    """A SQLite site's administrators hold the permissions of Wagtail's SQLite full-text index, a
    model that PostgreSQL has not: a permission of the backup's database that the restored one
    lacks is left out of the groups, users and collections that held it, and the rest is kept."""
    retired = ContentType.objects.create(app_label="wagtailsearch", model="sqliteonlyentry")
    gone = Permission.objects.create(codename="add_sqliteonlyentry", name="Can add it", content_type=retired)
    administrators = Group.objects.get(name=ADMINISTRATORS)
    administrators.permissions.add(gone)
    user = get_user_model().objects.create_user("quantri", "quantri@example.com", "password")
    user.user_permissions.add(gone, Permission.objects.get(codename="change_page"))
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.create(group=administrators, collection=root, permission=gone)
    archive = tmp_path / "sqlite.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    retired.delete()  # the database restored into: no such model, no such permission
    groups = {group.name: _permissions(group.permissions) for group in Group.objects.all()}
    collections = sorted(GroupCollectionPermission.objects.values_list("group__name", "permission__codename"))
    assert len(groups[ADMINISTRATORS]) > 100 and collections

    errors = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=io.StringIO(), stderr=errors)
    assert "wagtailsearch.add_sqliteonlyentry" in errors.getvalue()
    assert {group.name: _permissions(group.permissions) for group in Group.objects.all()} == groups
    assert _permissions(get_user_model().objects.get(username="quantri").user_permissions) == [
        ("wagtailcore", "change_page")
    ]
    assert sorted(GroupCollectionPermission.objects.values_list("group__name", "permission__codename")) == collections


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_archive_from_before_the_portals_collection_restores_into_it(tmp_path):
    """An archive made before editorial 0007 gives the portal's roles the root collection, which
    reaches every agency's: the restore moves their permissions, and the root's images, to the
    portal's collection, as the migration does, and says so."""
    photo = demo_image("Ảnh của quận", seed=1)
    root, portal = Collection.get_first_root_node(), roles.portal_collection()
    photo.collection = root
    photo.save()
    portal_roles = [EDITORS, APPROVERS, TRANSLATORS]
    granted = GroupCollectionPermission.objects.filter(group__name__in=portal_roles)
    before = sorted(granted.values_list("group__name", "permission__codename"))
    granted.update(collection=root)
    for collection in Collection.objects.filter(path__startswith=portal.path).order_by("-depth"):
        collection.delete()
    archive = tmp_path / "before.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    errors = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=io.StringIO(), stderr=errors)
    assert f"moved to “{roles.PORTAL_COLLECTION}”" in errors.getvalue()
    portal = roles.portal_collection()
    assert sorted(granted.values_list("group__name", "permission__codename")) == before
    assert set(granted.values_list("collection", flat=True)) == {portal.pk}
    assert get_image_model().objects.get(title="Ảnh của quận").collection == portal

    # An archive of this release restores as it was, without a word.
    call_command("backup", str(archive), verbosity=0)
    errors = io.StringIO()
    call_command("restore", str(archive), interactive=False, stdout=io.StringIO(), stderr=errors)
    assert errors.getvalue() == ""
    assert set(granted.values_list("collection", flat=True)) == {portal.pk}


def portable_snapshot():
    """What a restore into another kind of database must give back (run there by `manage.py
    shell`): the rows of every model the archive holds, the pages, the groups' and users'
    permissions, the votes to the microsecond, the images' files; and the permissions that exist."""
    Image = get_image_model()
    archived = [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.app_label not in EXCLUDED_MODELS
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]
    snapshot = {
        "rows": {model._meta.label_lower: model._base_manager.count() for model in archived},
        "pages": sorted(
            (p.translation_key.hex, p.locale.language_code, p.title, p.url_path, p.live, str(p.last_published_at))
            for p in Page.objects.select_related("locale")
        ),
        "groups": {group.name: _permissions(group.permissions) for group in Group.objects.all()},
        "users": {user.username: _permissions(user.user_permissions) for user in get_user_model().objects.all()},
        "votes": sorted(
            (str(translation_key), sort_order, created_at.isoformat())
            for translation_key, sort_order, created_at in SurveyResponse.objects.values_list(
                "survey__translation_key", "option__sort_order", "created_at"
            )
        ),
        "images": sorted(
            (i.title, i.file.name, hashlib.sha256(default_storage.open(i.file.name).read()).hexdigest())
            for i in Image.objects.all()
        ),
        "permissions": _permissions(Permission.objects),
    }
    return json.loads(json.dumps(snapshot))


@contextmanager
def _database_of_another_kind(tmp_path):
    """The URL of a new, empty database of the other kind than the tests': on PostgreSQL (at
    CI_POSTGRES_URL's server, skipped when it is unreachable) when they run on SQLite, a SQLite file
    when they run on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = urlsplit(POSTGRES_URL)
    name = f"{url.path.strip('/') or 'portal'}_restore"
    try:
        server = psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"this test needs PostgreSQL at {POSTGRES_URL} (CI_POSTGRES_URL), which is unreachable: {error}")
    database = sql.Identifier(name)
    with server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(database))
        server.execute(sql.SQL("CREATE DATABASE {}").format(database))
        try:
            yield urlunsplit(url._replace(path=f"/{name}"))
        finally:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_a_database_of_another_kind(tmp_path):
    """SQLite to PostgreSQL (or PostgreSQL to SQLite): `migrate`, then `restore`, as an
    administrator moving the site would, each in a process of its own."""
    call_command("load_demo", verbosity=0)
    before = portable_snapshot()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    (tmp_path / "restored_settings.py").write_text(
        f"from portal.settings.test import *\nMEDIA_ROOT = {str(tmp_path / 'media')!r}\n"
    )
    with _database_of_another_kind(tmp_path) as url:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
            "DJANGO_SETTINGS_MODULE": "restored_settings",
            "DATABASE_URL": url,
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
        }

        def manage(*args):
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, result.stderr
            return result

        manage("migrate", "--no-input", "--verbosity=0")
        restored = manage("restore", str(archive), "--no-input")
        snapshot = "import json; from tests.test_backup import portable_snapshot as s; print(json.dumps(s()))"
        after = json.loads(manage("shell", "--verbosity=0", "-c", snapshot).stdout)

    # Only the permissions on models the other database has not are left out (and said so).
    existing = after.pop("permissions")
    lacking = [permission for permission in before.pop("permissions") if permission not in existing]
    if ContentType.objects.filter(app_label="wagtailsearch", model="sqliteftsindexentry").exists():
        assert ["wagtailsearch", "add_sqliteftsindexentry"] in lacking
        assert "wagtailsearch.add_sqliteftsindexentry" in restored.stderr
    for holders in (before["groups"], before["users"]):
        for name, permissions in holders.items():
            holders[name] = [permission for permission in permissions if permission not in lacking]
    assert before["groups"][ADMINISTRATORS] and before["votes"] and before["images"]
    assert after == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_a_site_where_a_page_was_deleted_is_backed_up_and_restored(tmp_path, home_vi):
    """The log entries of a deleted page keep its id (Wagtail's history and audit log): the
    backup refers to the page by it, having no URL path to refer to it by."""
    page = home_vi.add_child(instance=Page(title="Thông báo đã gỡ", slug="thong-bao-da-go"))
    page.save_revision(log_action=True).publish()
    page.delete()
    log = sorted(PageLogEntry.objects.values_list("page_id", "action", "label", "timestamp"))
    pages = sorted(Page.objects.values_list("pk", "url_path"))
    assert (page.pk, "wagtail.delete", "Thông báo đã gỡ") in [entry[:3] for entry in log]
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    PageLogEntry.objects.all().delete()

    call_command("restore", str(archive), interactive=False, verbosity=0)
    assert sorted(PageLogEntry.objects.values_list("page_id", "action", "label", "timestamp")) == log
    assert sorted(Page.objects.values_list("pk", "url_path")) == pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_writers_go_on_during_a_backup_which_leaves_out_what_they_write(tmp_path, site, monkeypatch):
    """The nightly backup must not hold the site's votes and visits until it ends (on SQLite, a
    transaction that takes the write lock for the dump's duration would, past busy_timeout), and
    its archive is the database as it was when it began: a write made meanwhile is not in it."""
    counters = list(DailyCount.objects.values_list("pk", flat=True))
    written = threading.Event()
    failures = []
    dumped = []

    def count_a_visit():  # another connection, as a request to the site
        try:
            DailyCount.objects.increment(site.pk, timezone.localdate(), DailyCount.Kind.VISIT)
            written.set()
        except Exception as error:  # noqa: BLE001 (told to the test)
            failures.append(error)
        finally:
            connection.close()

    start_object = Serializer.start_object

    def start_object_while_a_visit_is_counted(serializer, obj):
        if not dumped:  # halfway: the dump has read and begun to write its first object
            writer = threading.Thread(target=count_a_visit)
            writer.start()
            dumped.append((obj._meta.label_lower, written.wait(timeout=5), writer))
        start_object(serializer, obj)

    monkeypatch.setattr(Serializer, "start_object", start_object_while_a_visit_is_counted)
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    [(first_model, written_in_time, writer)] = dumped
    writer.join(timeout=60)
    assert not failures and written_in_time, "the visit waited for the backup"
    assert first_model != "visits.dailycount" and DailyCount.objects.count() == len(counters) + 1
    with tarfile.open(archive) as tar:
        data = json.load(tar.extractfile("data.json"))
    assert [item["pk"] for item in data if item["model"] == "visits.dailycount"] == counters


@pytest.mark.parametrize("where", ["missing folder", "folder"])
def test_a_backup_to_a_place_it_cannot_write_stops_with_a_clear_message(tmp_path, where):
    """Before the dump, not after it: nothing is read from the database."""
    path, message = {
        "missing folder": (tmp_path / "gone" / "site.tar.gz", "Cannot write .*site.tar.gz: No such file or directory"),
        "folder": (tmp_path, "is a folder: name the archive, e.g. .*portal.tar.gz"),
    }[where]
    with pytest.raises(CommandError, match=message):
        call_command("backup", str(path), verbosity=0)
    assert list(tmp_path.iterdir()) == []


def test_backup_tells_its_failures_in_one_line_and_exits_with_status_1(tmp_path):
    """As cron sees it: a message, not a traceback."""
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", str(tmp_path / "gone" / "site.tar.gz")],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PORTAL_VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr == f"CommandError: Cannot write {tmp_path}/gone/site.tar.gz: No such file or directory.\n"


def _media(root, files):
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if content is None:  # a broken link: a file that is listed, and gone when read
            (root / name).symlink_to(root / "deleted.jpg")
        else:
            (root / name).write_bytes(content)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_a_media_file_gone_during_the_backup_is_left_out_with_a_warning(tmp_path, settings):
    """An image deleted while the nightly backup runs must not fail it: the rest is archived."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _media(tmp_path / "media", {"original_images/kept.jpg": b"kept", "original_images/gone.jpg": None})
    archive = tmp_path / "site.tar.gz"
    errors = io.StringIO()
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=errors)
    assert errors.getvalue() == "Left out media file original_images/gone.jpg: it was gone when the backup read it.\n"
    with tarfile.open(archive) as tar:
        assert set(json.load(tar.extractfile("manifest.json"))["members"]) == {
            "data.json",
            "media/original_images/kept.jpg",
        }
        assert tar.extractfile("media/original_images/kept.jpg").read() == b"kept"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_a_backup_that_fails_leaves_no_partial_archive_and_the_last_one_as_it_was(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _media(tmp_path / "media", {"documents/a.pdf": b"a", "documents/b.pdf": b"b", "documents/c.pdf": b"c"})
    archive = tmp_path / "site.tar.gz"
    archive.write_bytes(b"last night's archive")
    open_file = FileSystemStorage.open

    def unreadable_b(storage, name, mode="rb"):
        if name == "documents/b.pdf":
            raise PermissionError(13, "Permission denied")
        return open_file(storage, name, mode)

    monkeypatch.setattr(FileSystemStorage, "open", unreadable_b)
    with pytest.raises(CommandError, match="^Cannot read media file documents/b.pdf: Permission denied.$"):
        call_command("backup", str(archive), verbosity=0)
    assert archive.read_bytes() == b"last night's archive"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["media", "site.tar.gz"]


# A backup stalled while it writes its archive, until it is killed.
STALLED_BACKUP = """
import sys, time
import django
django.setup()
from ops import backups
def stalled(file, warn):
    file.write(b"half an archive")
    file.flush()
    print("writing", flush=True)
    time.sleep(300)
backups._write_archive = stalled
backups.create_backup(sys.argv[1])
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the dump's own transaction
def test_a_backup_removes_the_partial_archives_of_killed_backups_and_not_those_being_written(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    folder = tmp_path / "backups"
    folder.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-c", STALLED_BACKUP, str(folder / "portal-2026-12-01.tar.gz")],
        cwd=settings.BASE_DIR,
        env={**os.environ, "PORTAL_VAR_DIR": str(tmp_path / "var")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline() == "writing\n"
        [being_written] = folder.glob(".portal-2026-12-01.tar.gz.*.partial")
        hours_ago = time.time() - 3 * 3600
        os.utime(being_written, (hours_ago, hours_ago))  # however long it takes
        just_begun = folder / ".portal-2026-12-02.tar.gz.k3j_9xq2.partial"  # not locked yet
        just_begun.write_bytes(b"")
        others = {"notes.partial": b"", ".notes.partial": b"", "portal-2026-11-30.tar.gz": b"an archive"}
        for name, content in others.items():
            (folder / name).write_bytes(content)
            os.utime(folder / name, (hours_ago, hours_ago))

        errors = io.StringIO()
        call_command("backup", str(folder / "portal-2026-12-02.tar.gz"), stdout=io.StringIO(), stderr=errors)
        assert errors.getvalue() == ""
        assert being_written.read_bytes() == b"half an archive" and just_begun.exists()

        writer.kill()  # SIGKILL: none of its own clean-up runs
        writer.wait(timeout=60)
        assert being_written.exists()
        os.utime(just_begun, (hours_ago, hours_ago))  # never locked: its backup was killed at once
        call_command("backup", str(folder / "portal-2026-12-03.tar.gz"), stdout=io.StringIO(), stderr=errors)
        assert sorted(errors.getvalue().splitlines()) == sorted(
            f"Removed {partial}, left by a backup that did not finish." for partial in (being_written, just_begun)
        )
        assert sorted(path.name for path in folder.iterdir()) == sorted(
            [*others, "portal-2026-12-02.tar.gz", "portal-2026-12-03.tar.gz"]
        )
    finally:
        writer.kill()
        writer.wait(timeout=60)
        writer.stdout.close()


def _archive(path, data, media=()):
    """An archive as `backup` writes them, of the fixture `data` and the `media` {name: bytes}."""
    members = {"data.json": json.dumps(data).encode(), **{f"media/{name}": content for name, content in media}}
    manifest = {
        "format": 1,
        "members": {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            for name, content in members.items()
        },
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, content in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def _not_an_archive(tmp_path):
    (tmp_path / "site.tar.gz").write_text("not an archive")
    return tmp_path / "site.tar.gz", "site.tar.gz: not a backup archive \\(not a gzip file\\).$"


def _truncated(tmp_path):
    """Cut short, as by a copy interrupted: in the middle of a photo."""
    whole = _archive(tmp_path / "whole.tar.gz", [], [("original_images/a.jpg", os.urandom(300_000))]).read_bytes()
    (tmp_path / "site.tar.gz").write_bytes(whole[: len(whole) // 2])
    return tmp_path / "site.tar.gz", "site.tar.gz: damaged or truncated archive \\(Compressed file ended .*\\).$"


def _missing(tmp_path):
    return tmp_path / "site.tar.gz", "^Cannot read .*site.tar.gz: No such file or directory.$"


def _folder(tmp_path):
    return tmp_path, "^Cannot read .*: Is a directory.$"


@pytest.mark.parametrize("archive", [_not_an_archive, _truncated, _missing, _folder])
def test_restore_of_what_is_no_readable_archive_stops_with_a_clear_message(tmp_path, site, archive):
    path, message = archive(tmp_path)
    pages = sorted(Page.objects.values_list("pk", "title"))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), interactive=False, verbosity=0)
    assert sorted(Page.objects.values_list("pk", "title")) == pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the restore's own transaction
def test_a_restore_whose_data_does_not_load_leaves_the_database_as_it_was(tmp_path, site):
    """The content is emptied and loaded in one transaction: when an object fails to load (here, of
    a model this code has not), the content emptied before it is back."""
    data = [
        {"model": "auth.group", "pk": 999, "fields": {"name": "Nhóm trong bản sao lưu", "permissions": []}},
        {"model": "retired.thing", "pk": 1, "fields": {}},
    ]
    content = {model: sorted(model.objects.values_list("pk", flat=True)) for model in (Page, Group, Site)}
    message = (
        "does not load into this database, left as it was: .*data.json.*: Invalid model identifier: retired.thing$"
    )
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(_archive(tmp_path / "site.tar.gz", data)), interactive=False, verbosity=0)
    assert {model: sorted(model.objects.values_list("pk", flat=True)) for model in (Page, Group, Site)} == content


def test_restore_before_migrate_stops_with_one_line_and_status_1(tmp_path):
    """As an administrator sees it on a new server: what to do, not a traceback."""
    archive = _archive(tmp_path / "site.tar.gz", [])
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), "--no-input"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}", "PORTAL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert re.fullmatch(
        r"CommandError: The database is not migrated \(\d+ migrations to apply\): run `manage.py migrate` first.\n",
        result.stderr,
    ), result.stderr
