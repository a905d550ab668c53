"""Issue 10: headers, the Content-Security-Policy, login throttling, uploads."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from home import middleware


@pytest.fixture
def admin_client(client, db):
    """An administrator who reads the admin in English, so that messages can be matched."""
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.create_superuser("chief", "chief@example.com", "a-long-pass-phrase")
    UserProfile.get_for_user(user).__class__.objects.filter(user=user).update(preferred_language="en")
    client.force_login(user)
    return client


def _without_tokens(html):
    return re.sub(r"(csrfmiddlewaretoken\" value=\"|CSRF_TOKEN\": \")[^\"]+", "", html)


def _png(width, height, mode="1"):
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _stored_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


# --- Headers ------------------------------------------------------------------------------


def test_public_pages_send_security_headers_and_a_strict_policy(client, site):
    response = client.get("/vi/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


def test_error_pages_carry_the_policy_too(client, site):
    response = client.get("/vi/khong-co/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_admin_gets_its_own_looser_policy(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_debug_error_pages_may_run_their_inline_styles(client, site, settings):
    settings.DEBUG = True
    response = client.get("/vi/khong-co/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response


def test_the_policies_are_built_once_not_for_each_response(client, site, monkeypatch):
    built = []
    monkeypatch.setattr(middleware, "build_policy", lambda **kwargs: built.append(kwargs) or "default-src 'self'")
    for path in ("/vi/", "/vi/khong-co/", "/static/css/portal.css"):
        assert client.get(path)["Content-Security-Policy"] == "default-src 'self'"
    assert len(built) == 2  # the public policy and the admin's, when the server started


@pytest.mark.parametrize(
    "env, origins",
    [
        ({}, []),
        (
            {"MEDIA_STORAGE_OPTIONS": '{"bucket_name": "media", "custom_domain": "media.example.vn"}'},
            ["https://media.example.vn"],
        ),
        (
            {
                "MEDIA_STORAGE_OPTIONS": '{"custom_domain": "media.example.vn"}',
                "MEDIA_ORIGINS": "https://s3.example.vn",
            },
            ["https://s3.example.vn"],
        ),
    ],
)
def test_images_from_the_object_storage_are_allowed_by_both_policies(tmp_path, env, origins):
    # The policies as ContentSecurityPolicyMiddleware builds them; without setting Django up, which
    # would make the storage, of a class this machine lacks.
    show = (
        "import json; from csp.utils import build_policy; from django.conf import settings;"
        "print(json.dumps([build_policy(), build_policy(config=settings.ADMIN_CONTENT_SECURITY_POLICY)]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "PORTAL_VAR_DIR": str(tmp_path), **env}
    result = subprocess.run(
        [sys.executable, "-c", show], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for policy in json.loads(result.stdout):
        img_src = next(directive for directive in policy.split(";") if directive.strip().startswith("img-src"))
        assert [source for source in img_src.split()[1:] if "://" in source] == origins


def test_public_templates_have_no_inline_script(client, site):
    html = client.get("/vi/").text
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/ld+json"' in opening or 'type="application/json"' in opening


def test_no_public_template_has_an_inline_style_or_script():
    """The public policy allows neither (the admin's templates are under its own looser one)."""
    root = Path(settings.BASE_DIR)
    templates = [
        path
        for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
        if not {"admin", "panels", "editorial"} & set(path.relative_to(root).parts)
    ]
    assert len(templates) > 30 and root / "templates" / "500.html" in templates
    for path in templates:
        html = path.read_text()
        assert "<style" not in html and " style=" not in html, path
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "application/ld+json" in tag or "application/json" in tag, path


# --- Login throttling -----------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_pair_out_with_a_clear_message(client, db, settings):
    settings.AXES_ENABLED = True
    get_user_model().objects.create_user("bientap", "b@example.com", "the-right-password", is_staff=True)
    login = reverse("wagtailadmin_login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "bientap", "password": "wrong"})
        assert response.status_code == 200
    # The admin speaks the default language (Vietnamese) to anyone not signed in.
    response = client.post(login, {"username": "bientap", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.text
    assert "Vui lòng chờ 15 phút rồi thử lại" in response.text

    # Even the right password is refused during the cool-off...
    response = client.post(login, {"username": "bientap", "password": "the-right-password"})
    assert response.status_code == 429
    # ...but the same user name from another address, or another user, can still sign in.
    response = client.post(login, {"username": "bientap", "password": "the-right-password"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302


def test_only_a_post_signs_an_editor_out_of_the_admin(client, db):
    """A link or an image pointing at the logout URL must not sign anybody out."""
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@example.com", "x"))
    logout = reverse("wagtailadmin_logout")
    response = client.get(logout)
    assert response.status_code == 405
    assert "sessionid" not in response.cookies
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    response = client.post(logout)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_login")
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_login_errors_do_not_reveal_whether_a_user_exists(client, db, settings):
    settings.AXES_ENABLED = True
    get_user_model().objects.create_user("bientap", "b@example.com", "the-right-password", is_staff=True)
    login = reverse("wagtailadmin_login")
    known = client.post(login, {"username": "bientap", "password": "wrong"}).text
    unknown = client.post(login, {"username": "khongco", "password": "wrong"}).text
    assert _without_tokens(known).replace("bientap", "X") == _without_tokens(unknown).replace("khongco", "X")


def test_password_reset_does_not_reveal_whether_an_address_is_known(client, db):
    get_user_model().objects.create_user("bientap", "b@example.com", "the-right-password", is_staff=True)
    url = reverse("wagtailadmin_password_reset")
    known = client.post(url, {"email": "b@example.com"})
    unknown = client.post(url, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_weak_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("123456789", "password", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)


# --- Uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bomb.png", _png(20_000, 20_000), "too many pixels"),
        ("not-an-image.jpg", b"MZ\x90\x00 this is an executable, not a JPEG" * 20, "Upload a valid image"),
        (
            "script.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Not a supported image format",
        ),
    ],
)
def test_hostile_image_uploads_are_refused_and_store_nothing(admin_client, name, content, message):
    before = _stored_files()
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": 1},
    )
    assert response.status_code == 200  # the form again, with its error
    assert message in response.text
    assert get_image_model().objects.count() == 0
    assert _stored_files() == before


def test_oversize_image_upload_is_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    content = _png(400, 400, mode="RGB")
    big = content + b"\0" * (20_000 - len(content)) if len(content) < 20_000 else content
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "big", "file": SimpleUploadedFile("big.png", big), "collection": 1},
    )
    assert "This file is too big" in response.text
    assert get_image_model().objects.count() == 0


def test_a_good_image_is_accepted(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "ok", "file": SimpleUploadedFile("ok.png", _png(64, 48, mode="RGB")), "collection": 1},
    )
    assert response.status_code == 302
    assert get_image_model().objects.get().width == 64


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "drawing.svg", "script.js"])
def test_documents_outside_the_allow_list_are_refused(admin_client, name):
    before = _stored_files()
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, b"content"), "collection": 1},
    )
    assert response.status_code == 200
    assert get_document_model().objects.count() == 0
    assert _stored_files() == before
