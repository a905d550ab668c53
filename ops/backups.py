"""One archive holds a site: the database content as a Django fixture (ops/serializers.py), the uploaded media, and a
manifest with a SHA-256 checksum of every member. Restoring checks the checksums before it
changes anything.

Content types and permissions are referred to by natural key and not stored: `migrate` creates
them, so the archive restores into any database migrated to the same schema. A permission that
the restored database does not have is left out of the groups and users that held it: on a model
of another database backend (Wagtail's SQLite full-text index, which the administrators' group
holds, as every permission), it means nothing there. Also left out,
because they are rebuilt from the rest: the search index, the reference index and image
renditions; and what is transient: sessions and login attempts.

The archive does not say which migrations its content has seen: content of an older release is
brought up to date where leaving it would undo a fix (`_upgrade_content`).
"""

import contextlib
import fcntl
import functools
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from editorial import roles

FORMAT_VERSION = 1
DATA_MEMBER = "data.json"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
EXCLUDED_MODELS = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "wagtailsearch",
    "wagtailcore.referenceindex",
    "wagtailimages.rendition",
]
RENDITIONS_FOLDER = "images"
CHUNK_SIZE = 1024 * 1024
# An archive being written (create_backup): its name beside the destination, as mkstemp makes it.
PARTIAL_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.partial")
PARTIAL_GRACE = 60  # seconds: a partial archive this new may be one a backup made and has not locked yet


class BackupError(Exception):
    pass


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _media_files(folder=""):
    """Every file in the default storage, renditions excepted (they are regenerated on demand)."""
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a new site: nothing uploaded yet, no media folder
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        path = f"{folder}/{directory}" if folder else directory
        if path != RENDITIONS_FOLDER:
            yield from _media_files(path)


@contextlib.contextmanager
def _snapshot():
    """Every query inside reads the database as it was when it began, without keeping writers
    waiting."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # atomic() would begin an IMMEDIATE transaction (the settings' transaction_mode): the write
        # lock, held for the whole dump, and every vote and edit meanwhile waiting for it, past
        # busy_timeout. A deferred transaction that only reads holds a snapshot of the WAL instead,
        # which writers do not wait for; it begins at the first read, so read at once.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT COUNT(*) FROM sqlite_master")
                cursor.fetchone()
                yield
            finally:
                if connection.connection is not None and connection.connection.in_transaction:
                    cursor.execute("ROLLBACK")  # it only read: nothing to commit
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Every query of the dump must see the same snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _dump_database():
    """The whole database content from one consistent snapshot."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output, _snapshot():
        call_command(
            "dumpdata",
            format="precise-json",
            natural_foreign=True,
            exclude=EXCLUDED_MODELS,
            output=output.name,
            verbosity=0,
        )
        return Path(output.name).read_bytes()


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _write_archive(file, warn):
    """Write the archive to the open `file`; returns the manifest."""
    data = _dump_database()
    members = {DATA_MEMBER: {"sha256": _sha256(data), "size": len(data)}}
    with tarfile.open(fileobj=file, mode="w:gz") as archive:
        _add(archive, DATA_MEMBER, data)
        for name in _media_files():
            try:
                with default_storage.open(name, "rb") as media:
                    content = media.read()
            except FileNotFoundError:
                # Deleted since the folder was listed (an image deleted during the nightly
                # backup), or a broken link: nothing to keep, and no reason to fail the rest.
                warn(f"Left out media file {name}: it was gone when the backup read it.")
                continue
            except OSError as error:
                raise BackupError(f"Cannot read media file {name}: {error.strerror or error}.") from error
            members[MEDIA_PREFIX + name] = {"sha256": _sha256(content), "size": len(content)}
            _add(archive, MEDIA_PREFIX + name, content)
        manifest = {
            "format": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "members": members,
        }
        _add(archive, MANIFEST_MEMBER, json.dumps(manifest, indent=2, sort_keys=True).encode())
    return manifest


def _remove_abandoned(folder, warn):
    """Delete the partial archives that backups killed while writing (SIGKILL, a reboot: their
    clean-up never ran) left in `folder`. A backup holds a lock on its own until it is renamed,
    which the system releases when the process ends, however it ends: an unlocked one is no
    running backup's."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # a folder it may write in and not list
        return
    for entry in entries:
        if not PARTIAL_NAME.fullmatch(entry.name):
            continue
        try:
            with open(entry.path, "rb") as file:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if time.time() - os.fstat(file.fileno()).st_mtime < PARTIAL_GRACE:
                    continue
                os.unlink(entry.path)
        except OSError:  # being written (BlockingIOError), renamed or removed meanwhile, not ours
            continue
        warn(f"Removed {entry.path}, left by a backup that did not finish.")


def create_backup(path, warn=lambda message: None):
    """Write the archive to `path`; returns the manifest. `warn` is told of the media files left
    out (gone while the backup ran), and of the partial archives of killed backups it removed.

    The archive is written beside `path` under another name, and renamed once complete: a backup
    that fails leaves no partial archive, which would be found out only at restore time, and the
    archive it was to replace stays. One killed leaves it, for the next backup there to remove."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise BackupError(f"{path} is a folder: name the archive, e.g. {os.path.join(path, 'portal.tar.gz')}.")
    folder, name = os.path.split(os.path.abspath(path))
    try:
        # mkstemp's mode: readable by its owner alone, as the archive holds the users' password
        # hashes and the polls' comments.
        descriptor, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=folder)
    except OSError as error:  # no such folder, not allowed
        raise BackupError(f"Cannot write {path}: {error.strerror or error}.") from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            # Locked until renamed: no other backup takes it for abandoned (on a file system
            # without locks, none can lock it to remove it either).
            with contextlib.suppress(OSError):
                fcntl.flock(file, fcntl.LOCK_EX)
            _remove_abandoned(folder, warn)
            manifest = _write_archive(file, warn)
            file.flush()
            os.fsync(file.fileno())
            os.replace(partial, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        if isinstance(error, OSError):  # the disk full
            raise BackupError(f"Cannot write {path}: {error.strerror or error}.") from error
        raise
    return manifest


def _verified_members(archive, path):
    """The archive's members by name, manifest aside, after checking every checksum against the
    manifest. Each member is read in chunks: an archive of years of photos need not fit in
    memory."""
    try:
        manifest = json.load(archive.extractfile(MANIFEST_MEMBER))
        version, expected = manifest.get("format"), dict(manifest["members"])
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise BackupError(f"{path}: no readable manifest ({error}).") from error
    if version != FORMAT_VERSION:
        raise BackupError(f"{path}: unknown backup format {version!r}.")
    members = {member.name: member for member in archive.getmembers() if member.isfile()}
    del members[MANIFEST_MEMBER]
    if set(members) != set(expected):
        raise BackupError(f"{path}: members differ from the manifest: {sorted(set(members) ^ set(expected))}.")
    for name, member in members.items():
        digest = hashlib.sha256()
        with archive.extractfile(member) as content:
            while chunk := content.read(CHUNK_SIZE):
                digest.update(chunk)
        if digest.hexdigest() != expected[name]["sha256"]:
            raise BackupError(f"{path}: checksum mismatch for {name}.")
    return members


def _empty_content_tables():
    """Delete every row but the content types and permissions that `migrate` made."""
    tables = [
        table for table in connection.introspection.django_table_names(only_existing=True) if table not in KEPT_TABLES
    ]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


@functools.cache
def _permission_fields(label):
    """(many-to-many fields, foreign keys) of the model `label` ("app_label.model") that refer to
    permissions; none for a model this project does not have (loaddata says so)."""
    try:
        fields = apps.get_model(label)._meta.get_fields()
    except (LookupError, ValueError):
        fields = []
    permissions = [field for field in fields if field.concrete and field.related_model is Permission]
    return (
        [field.name for field in permissions if field.many_to_many],
        [field.name for field in permissions if field.many_to_one],
    )


def _leave_out_unknown_permissions(fixture):
    """Rewrite the fixture file `fixture` without the permissions this database does not have:
    taken from the groups and users that hold them; an object that is one permission given (a
    group's permission on a collection or a page tree), left out whole. Returns their names
    ("app_label.codename"), sorted."""
    objects = json.loads(Path(fixture).read_bytes())
    known = set(Permission.objects.values_list("codename", "content_type__app_label", "content_type__model"))
    unknown = set()

    def is_unknown(key):  # natural keys only: an archive refers to permissions by no other
        if isinstance(key, list) and tuple(key) not in known:
            unknown.add(f"{key[1]}.{key[0]}")
            return True
        return False

    kept = []
    for item in objects:
        many, foreign = _permission_fields(item.get("model", ""))
        fields = item.get("fields", {})
        if any(is_unknown(fields.get(name)) for name in foreign):
            continue
        for name in many:
            if name in fields:
                fields[name] = [key for key in fields[name] if not is_unknown(key)]
        kept.append(item)
    if unknown:
        Path(fixture).write_text(json.dumps(kept))
    return sorted(unknown)


def _check_migrated():
    """Refuse a database that `migrate` has not brought to this code's schema (before `migrate`:
    no table at all), before anything is read or changed."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise BackupError(f"Cannot read the database's migrations: {error}") from error
    if unapplied:
        raise BackupError(
            f"The database is not migrated ({len(unapplied)} migrations to apply): run `manage.py migrate` first."
        )


@contextlib.contextmanager
def _reading(path):
    """Turn the archive's reading errors into BackupError."""
    try:
        yield
    except (EOFError, tarfile.TarError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{path}: damaged or truncated archive ({error}).") from error


def _upgrade_content(warn):
    """Bring content the migrations have not seen (an archive made by an older release) to what
    they would have made of it, where leaving it would undo a fix: the portal's roles working in
    the root collection reached every agency's images and documents (editorial 0007)."""
    if roles.roles_in_the_root_collection():
        moved, left = roles.give_the_portal_its_collection(apps)
        warn(
            "The archive predates the portal's collection: the portal's roles' permissions on the root "
            f"collection, its images and documents{''.join(f', “{name}”' for name in moved)} moved to "
            f"“{roles.PORTAL_COLLECTION}”, as the migration editorial 0007 does."
            + (f" Left to their groups: {', '.join(f'“{name}”' for name in left)}." if left else "")
        )


def _open_archive(path):
    try:
        return tarfile.open(path, "r:gz")
    except tarfile.ReadError as error:
        raise BackupError(f"{path}: not a backup archive ({error}).") from error
    except OSError as error:  # no such file, a folder, not allowed
        raise BackupError(f"Cannot read {path}: {error.strerror or error}.") from error


def restore_backup(path, warn=lambda message: None):
    """Replace the database content and the media with the archive's. Returns the manifest's
    member count. The database must be migrated to the same schema as the backup's. `warn` is
    told of what could not be restored (permissions this database does not have).

    Nothing changes before the archive is read whole and its checksums checked, and the database
    content is replaced in one transaction: a restore that fails leaves the database as it was.
    The media are written after, from the checked archive."""
    _check_migrated()
    with _reading(path), _open_archive(path) as archive:
        members = _verified_members(archive, path)
        with tempfile.TemporaryDirectory() as folder:
            fixture = os.path.join(folder, DATA_MEMBER)  # named in loaddata's errors
            with open(fixture, "wb") as output:
                shutil.copyfileobj(archive.extractfile(members.pop(DATA_MEMBER)), output)
            if left_out := _leave_out_unknown_permissions(fixture):
                warn(f"Left out permissions this database does not have (models it lacks): {', '.join(left_out)}.")
            try:
                with transaction.atomic():
                    _empty_content_tables()
                    call_command("loaddata", fixture, verbosity=0)
                    _upgrade_content(warn)
            except (DeserializationError, DatabaseError, FieldDoesNotExist, ValueError) as error:
                raise BackupError(
                    f"{path}: its data does not load into this database, left as it was: {error}"
                ) from error
        for name, member in members.items():
            media_name = name.removeprefix(MEDIA_PREFIX)
            try:
                if default_storage.exists(media_name):
                    default_storage.delete(media_name)
                content = File(archive.extractfile(member), name=media_name)
                content.size = member.size  # else the archive's size: object storages send it as the length
                default_storage.save(media_name, content)
            except OSError as error:
                raise BackupError(
                    f"The database content is restored, not all media: writing {media_name} failed "
                    f"({error.strerror or error}). Restore again once that is fixed."
                ) from error
    call_command("rebuild_references_index", verbosity=0)
    call_command("update_index", verbosity=0)
    return len(members) + 1
