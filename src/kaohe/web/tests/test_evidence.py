"""Evidence attachments (kaohe.web.evidence), shared by data entry and process assessment:
the check by name and first bytes, storing under a folder, and resolving a stored path only
inside MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from kaohe.web import evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("现场.png", PNG, None),
        ("扫描件.PDF", b"%PDF-1.7 ...", None),
        ("a.exe", b"MZ\x90\x00", "佐证材料只能是 pdf、jpg、png、docx 或 xlsx 文件"),
        ("a.docx", b"%PDF-1.7", "佐证材料的内容不是 docx 文件"),
        ("empty.jpg", b"", "佐证材料是空文件"),
        ("big.pdf", b"%PDF-" + b"0" * evidence.MAX_BYTES, "佐证材料不能超过 10 MB"),
    ],
)
def test_a_file_is_judged_by_its_name_and_its_first_bytes(
    name: str, content: bytes, problem: str | None
) -> None:
    assert evidence.evidence_problem(SimpleUploadedFile(name, content)) == problem


def test_the_problem_speaks_the_users_language() -> None:
    with translation.override("en"):
        problem = evidence.evidence_problem(SimpleUploadedFile("a.pdf", b"not a pdf"))
    assert problem == "The supporting evidence is not really a pdf file"


def test_stored_under_its_folder_with_a_random_name_and_served_back(media: Path) -> None:
    upload = SimpleUploadedFile("现场照片.png", PNG)
    relative = evidence.evidence_store(upload, "process-evidence")
    assert relative.startswith("process-evidence/") and relative.endswith(".png")
    assert "现场照片" not in relative and (media / relative).read_bytes() == PNG
    assert evidence.evidence_fields(upload, relative) == {
        "evidence_path": relative,
        "evidence_name": "现场照片.png",
        "evidence_size": len(PNG),
    }
    response = evidence.evidence_download(relative, "现场照片.png")
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    # Only the file: close() would send request_finished, which wants the database.
    response.file_to_stream.close()  # type: ignore[attr-defined]
    evidence.evidence_discard(relative)
    assert not (media / relative).exists()
    with pytest.raises(Http404):
        evidence.evidence_download(relative, "现场照片.png")


def test_no_upload_leaves_the_record_empty() -> None:
    assert evidence.evidence_fields(None, "") == {
        "evidence_path": "",
        "evidence_name": "",
        "evidence_size": 0,
    }


def test_a_stored_path_never_leaves_media_root(media: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-secret")
    media.mkdir()
    for relative in ("../secret.pdf", str(outside), ""):
        assert evidence.evidence_file(relative) is None
        evidence.evidence_discard(relative)
    assert outside.exists()
