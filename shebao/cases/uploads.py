"""Uploaded materials (网上申报材料): checked by content, stored outside the web root, served by a view.

Only PDF, JPEG and PNG are accepted, told apart by their bytes — the client's file name and content
type are never trusted. Images must open and `verify()` in Pillow; a PDF needs its `%PDF-` header and
an `%%EOF` near the end. Files land under `settings.SHEBAO_UPLOAD_ROOT/<yyyy>/<mm>/<random hex>.<ext>`
with mode 0o640 (never executable) and are read back only through `upload_response`, which the
pages call after checking the reader may see the case.

Check, then do: `upload_check` runs over every file before anything is written; the writes happen
inside `upload_batch()`, which deletes what was written when the surrounding transaction fails.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.cases.models import Case, CaseUpload
from shebao.core.errors import ApplicationError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
ACCEPTED_LABEL = "PDF, JPEG, PNG"
PDF_EOF_WINDOW = 1024  # %%EOF must appear within the last KiB (writers add a newline or a little junk)
FILE_MODE = 0o640
DIR_MODE = 0o750
NAME_MAX = 200

# Per thread: the files written in each open `upload_batch`, deleted if the batch fails.
_local = threading.local()


def _batches() -> list[list[Path]]:
    if not hasattr(_local, "batches"):
        _local.batches = []
    return _local.batches  # type: ignore[no-any-return]


def max_bytes() -> int:
    return int(settings.SHEBAO_UPLOAD_MAX_BYTES)


def upload_root() -> Path:
    """The storage directory; refuses a configuration that puts it under the static files."""
    root = Path(settings.SHEBAO_UPLOAD_ROOT).resolve()
    served = [settings.STATIC_ROOT, *getattr(settings, "STATICFILES_DIRS", [])]
    media = getattr(settings, "MEDIA_ROOT", "")
    if media:
        served.append(media)
    for place in served:
        if not place:
            continue
        place_path = Path(str(place)).resolve()
        if root == place_path or place_path in root.parents:
            raise ImproperlyConfigured(f"SHEBAO_UPLOAD_ROOT must not lie under a served directory ({place})")
    return root


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: what it really is, and its bytes' fingerprint."""

    file: UploadedFile
    content_type: str
    size: int
    sha256: str
    original_name: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def clean_name(name: str) -> str:
    """The client's file name, kept only for display: no directories, no control characters."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    base = re.sub(r"[^\w.\-()（）\s]", "_", base).strip(" .")
    return base[-NAME_MAX:] or "upload"


def _read(file: UploadedFile) -> bytes:
    """The whole content, read in chunks and cut off beyond the limit (the declared size is not trusted)."""
    limit = max_bytes()
    parts: list[bytes] = []
    total = 0
    file.seek(0)
    for chunk in file.chunks():
        total += len(chunk)
        if total > limit:
            raise _too_big(file)
        parts.append(chunk)
    file.seek(0)
    return b"".join(parts)


def _too_big(file: UploadedFile) -> ApplicationError:
    return ApplicationError(
        "upload_too_big",
        _("%(name)s is larger than %(mb)s MB; scan it at a lower resolution or split it.")
        % {"name": clean_name(file.name or ""), "mb": f"{max_bytes() / (1024 * 1024):g}"},
    )


def _bad_type(file: UploadedFile) -> ApplicationError:
    return ApplicationError(
        "upload_type",
        _("%(name)s is not a readable PDF, JPEG or PNG file; save it as one of these and upload it again.")
        % {"name": clean_name(file.name or "")},
    )


def detect_type(content: bytes) -> str | None:
    """PDF, JPEG or PNG by the bytes themselves; None for anything else or a damaged file."""
    if content.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in content[-PDF_EOF_WINDOW:] else None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        expected = "PNG"
    elif content.startswith(b"\xff\xd8\xff"):
        expected = "JPEG"
    else:
        return None
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != expected:
                return None
            image.verify()
    except Exception:  # any decoder error: truncated, garbage chunks, decompression bomb
        return None
    return PNG if expected == "PNG" else JPEG


def upload_check(file: UploadedFile) -> CheckedFile:
    """Check one upload (size, real type); raises ApplicationError with a message saying what to do."""
    if file.size is not None and file.size > max_bytes():
        raise _too_big(file)
    content = _read(file)
    if not content:
        raise ApplicationError(
            "upload_empty",
            _("%(name)s is empty; choose the file again.") % {"name": clean_name(file.name or "")},
        )
    content_type = detect_type(content)
    if content_type is None:
        raise _bad_type(file)
    return CheckedFile(
        file=file,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=clean_name(file.name or ""),
    )


@contextmanager
def upload_batch() -> Iterator[list[Path]]:
    """Wrap the transaction that stores uploads: if it fails, the files written in it are deleted.

    Use as `with upload_batch(), transaction.atomic(): ...` so a failed commit is caught too.
    """
    written: list[Path] = []
    _batches().append(written)
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        _batches().remove(written)


def _write(checked: CheckedFile) -> str:
    """Write the bytes to a fresh random name; returns the path relative to the upload root."""
    if not _batches():
        raise RuntimeError("upload_store must run inside upload_batch()")
    root = upload_root()
    now = timezone.localtime()
    folder = root / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    relative = f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{checked.extension}"
    target = root / relative
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    _batches()[-1].append(target)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), FILE_MODE)  # whatever the umask: readable by the group, never executable
        checked.file.seek(0)
        for chunk in checked.file.chunks():
            out.write(chunk)
    return relative


def upload_store(
    *, case: Case, material_index: int, material_name: str, checked: CheckedFile, by: Any
) -> CaseUpload:
    """Store one checked file for a case's material (inside `upload_batch()` and a transaction)."""
    relative = _write(checked)
    return CaseUpload.objects.create(
        case=case,
        material_index=material_index,
        material_name=material_name[:200],
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        path=relative,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )


def upload_path(upload: CaseUpload) -> Path:
    root = upload_root()
    path = (root / upload.path).resolve()
    if root not in path.parents:
        raise ApplicationError("not_found", _("The file is not available."), status=404)
    return path


def upload_response(upload: CaseUpload) -> HttpResponse:
    """The file as a download: never rendered inline, never sniffed, sandboxed if opened anyway."""
    path = upload_path(upload)
    if not path.is_file():
        raise ApplicationError("not_found", _("The file is not available."), status=404)
    name = f"{Path(upload.original_name).stem or 'upload'}.{EXTENSIONS.get(upload.content_type, 'bin')}"
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=upload.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)  # streamed; typed as the page views' return type
