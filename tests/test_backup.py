"""Issue 10: `backup` writes one checksummed archive; `restore` rebuilds the site from it."""

import io
import json
import stat
import tarfile

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail_localize.models import TranslationSource

from feedback.models import SurveyResponse
from home.models import PortalSettings
from ops.backups import CHUNK_SIZE
from visits.models import DailyCount


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
