"""Uploads are checked by content, stored outside the static files, never executable."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from shebao.cases.tests.test_online import (
    ONLINE_GENERAL,
    jpeg_bytes,
    online_office,
    pdf_bytes,
    png,
    png_bytes,
    submit,
    upload_root,  # noqa: F401 - fixture
)
from shebao.cases.uploads import JPEG, PDF, PNG, clean_name, upload_check
from shebao.cases.uploads import upload_root as configured_root
from shebao.core.errors import ApplicationError


def up(content: bytes, name: str = "file.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(pdf_bytes(), PDF), (png_bytes(), PNG), (jpeg_bytes(), JPEG)],
)
def test_real_files_are_detected_by_content(content: bytes, expected: str) -> None:
    checked = upload_check(up(content, name="whatever.exe", content_type="text/html"))
    assert checked.content_type == expected
    assert checked.size == len(content) and len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><body>hello</body></html>", "really-html.pdf"),
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "program.pdf"),  # a Windows executable
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "program.png"),
        (b"%PDF-1.4\n<script>no end marker</script>", "no-eof.pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 40, "garbage.png"),
        (png_bytes()[:30], "truncated.png"),
        (b"\xff\xd8\xff\xe0" + b"junk" * 30, "garbage.jpg"),
    ],
)
def test_fakes_are_refused(content: bytes, name: str) -> None:
    with pytest.raises(ApplicationError) as err:
        upload_check(up(content, name=name))
    assert err.value.code == "upload_type"


def test_empty_is_refused() -> None:
    with pytest.raises(ApplicationError) as err:
        upload_check(up(b"", name="empty.pdf"))
    assert err.value.code == "upload_empty"


def test_too_big_is_refused(settings: Any) -> None:
    settings.SHEBAO_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as err:
        upload_check(up(pdf_bytes() + b" " * 200))
    assert err.value.code == "upload_too_big"


def test_file_names_are_cleaned() -> None:
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\x\\身份证 正面.png") == "身份证 正面.png"
    assert clean_name("a\x00b<script>.pdf") == "ab_script_.pdf"
    assert clean_name("..") == "upload"


def test_upload_root_under_static_is_refused(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "static" / "uploads"
    with pytest.raises(ImproperlyConfigured):
        configured_root()


@pytest.mark.django_db
def test_stored_outside_static_with_a_random_name_and_no_exec_bit(upload_root: Path) -> None:  # noqa: F811
    from django.conf import settings

    o = online_office()
    case = submit(o, ONLINE_GENERAL, uploads={0: [png("../../evil.php.png")]})
    upload = case.uploads.get()
    path = upload_root / upload.path
    assert path.is_file() and path.read_bytes() == png_bytes()
    assert path.suffix == ".png" and "evil" not in path.name and len(path.stem) == 32
    assert upload.original_name == "evil.php.png" and upload.content_type == PNG
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o640
    static_dirs = [
        Path(str(settings.STATIC_ROOT)).resolve(),
        *(Path(d).resolve() for d in settings.STATICFILES_DIRS),
    ]
    assert all(d not in path.resolve().parents for d in static_dirs)
