"""Evidence attachments (佐证材料): the one place that checks, stores and serves them.

Data entry (an event's evidence) and process assessment (a progress report's photo) accept
the same files. A file is checked by its name *and* its first bytes, so a renamed executable
is refused whatever its name says; it is stored under ``MEDIA_ROOT/<folder>/`` with a random
name (never the uploader's) and served only through a view that checks who may see it, never
as a static file.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Each allowed suffix with the bytes its files start with (docx and xlsx are zip archives).
TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
# The file input's ``accept``: the browser offers these files first (the check still runs).
ACCEPT = ",".join(TYPES)
_HEADER = 16  # bytes read to recognise a type: more than the longest magic above


class Upload(Protocol):
    """An uploaded file (Django's ``UploadedFile``)."""

    name: str | None
    size: int | None

    def chunks(self) -> Any: ...


def evidence_problem(upload: Upload) -> str | None:
    """Why ``upload`` is refused, in the user's language; ``None`` when it is acceptable."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in TYPES:
        return _("佐证材料只能是 pdf、jpg、png、docx 或 xlsx 文件")
    if (upload.size or 0) > MAX_BYTES:
        return _("佐证材料不能超过 %(size)s MB") % {"size": MAX_BYTES // (1024 * 1024)}
    if not upload.size:
        return _("佐证材料是空文件")
    header = b""
    for chunk in upload.chunks():
        header += chunk
        if len(header) >= _HEADER:
            break
    if not any(header.startswith(magic) for magic in TYPES[suffix]):
        return _("佐证材料的内容不是 %(type)s 文件") % {"type": suffix[1:]}
    return None


def evidence_store(upload: Upload, folder: str) -> str:
    """Write a checked upload under ``MEDIA_ROOT/<folder>/`` with a random name; the path
    relative to ``MEDIA_ROOT`` (what the record keeps)."""
    suffix = Path(upload.name or "").suffix.lower()
    relative = f"{folder}/{secrets.token_hex(16)}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return relative


def evidence_fields(upload: Upload | None, relative: str) -> dict[str, Any]:
    """The ``evidence_path``/``evidence_name``/``evidence_size`` of a record (both data
    entry's ``EventRecord`` and process's ``ProgressReport`` have these three columns)."""
    if upload is None or not relative:
        return {"evidence_path": "", "evidence_name": "", "evidence_size": 0}
    return {
        "evidence_path": relative,
        "evidence_name": Path(upload.name or "").name[:255],
        "evidence_size": int(upload.size or 0),
    }


def evidence_file(relative: str) -> Path | None:
    """The stored file of a record's ``evidence_path``; ``None`` when there is none or the
    path would leave ``MEDIA_ROOT`` (a record is never trusted to point elsewhere)."""
    if not relative:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def evidence_discard(relative: str) -> None:
    """Remove a stored file (its record is gone or was never written)."""
    path = evidence_file(relative)
    if path is not None:
        path.unlink(missing_ok=True)


def evidence_download(relative: str, filename: str) -> FileResponse:
    """The stored file as a download under the uploader's file name; 404 when it is gone."""
    path = evidence_file(relative)
    if path is None:
        raise Http404(_("佐证材料文件不存在"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
