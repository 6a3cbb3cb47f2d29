"""Evidence files: what may be uploaded (images, PDF, office files), how large, and what a
name may say. The type is checked by extension and by the file's first bytes; the stored name
is generated, the original name kept only as (cleaned) text."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 20 * 1024 * 1024
MAX_FILES = 10

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension -> (content type, accepted leading bytes)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "wps": ("application/vnd.ms-works", _OLE),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return int(getattr(settings, "RECTIFICATION_EVIDENCE_MAX_BYTES", MAX_BYTES_DEFAULT))


def clean_name(raw: str) -> str:
    """The last path component, without control characters or leading dots; never empty."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = name.lstrip(".").strip()
    return name[:200] or "file"


def check_file(upload: UploadedFile) -> CheckedFile:
    """The upload if it is an allowed type within the size limit; ValidationError otherwise."""
    name = clean_name(upload.name or "")
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in ALLOWED:
        raise ValidationError(
            {
                "evidence": _("%(name)s: only images, PDF and office files may be attached.")
                % {"name": name}
            }
        )
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            {
                "evidence": _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": max_bytes() // (1024 * 1024)}
            }
        )
    if size == 0:
        raise ValidationError({"evidence": _("%(name)s is empty.") % {"name": name}})
    content_type, magics = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(
            {"evidence": _("%(name)s is not the kind of file its name says.") % {"name": name}}
        )
    return CheckedFile(file=upload, name=name, content_type=content_type, size=size)


def check_files(uploads: list[UploadedFile]) -> list[CheckedFile]:
    if len(uploads) > MAX_FILES:
        raise ValidationError({"evidence": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    return [check_file(u) for u in uploads]
