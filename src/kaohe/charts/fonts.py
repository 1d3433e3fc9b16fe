"""The one CJK font every chart uses, found once and registered with matplotlib.

Without a CJK font matplotlib draws every Chinese glyph as an empty box (tofu) and only warns,
so the lookup fails loudly instead. Simplified Chinese faces are preferred because a Japanese
or Korean face of the same collection draws some hanzi in its own regional form.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

__all__ = [
    "CJK_FONT_PACKAGE",
    "CJKFont",
    "CJKFontMissingError",
    "cjk_font",
    "font_families",
]

CJK_FONT_PACKAGE = "fonts-noto-cjk"

# Best first. The SC faces draw hanzi the way mainland readers expect.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)

# Characters every label family uses: 考核 titles, 德能勤绩廉 dimensions, 优秀/称职 grades.
PROBE = "考核德能勤绩廉优秀称职得分"

# Latin-only fallback for symbols a CJK face may lack; matplotlib falls back glyph by glyph.
FALLBACK_FAMILY = "DejaVu Sans"


class CJKFontMissingError(RuntimeError):
    """No font able to draw Chinese is known to matplotlib or fontconfig."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str
    index: int  # face within a .ttc collection


_lock = threading.Lock()
_found: CJKFont | None = None


def cjk_font() -> CJKFont:
    """The CJK font for charts, looked up (and registered with matplotlib) on first use.

    >>> cjk_font().family in PREFERRED_FAMILIES or cjk_font().family.endswith(("SC", "CN"))
    True
    """
    global _found
    with _lock:
        if _found is None:
            _found = find_cjk_font(font_manager.fontManager.ttflist, fc_match=_fc_match)
        return _found


def font_families() -> list[str]:
    """The ``font.family`` list for charts: the CJK font first, DejaVu for stray symbols."""
    return [cjk_font().family, FALLBACK_FAMILY]


def find_cjk_font(
    entries: Iterable[font_manager.FontEntry],
    *,
    fc_match: Callable[[], str | None],
    register: Callable[[str], Iterable[font_manager.FontEntry]] | None = None,
) -> CJKFont:
    """Pick a CJK face among matplotlib's font entries, else the file fontconfig names.

    ``register`` adds a file to matplotlib and returns the entries it now knows for it (the
    default uses the global font manager); it is a parameter so tests need no real fonts.
    """
    found = _best(entries, chinese_name=True)
    if found is not None:
        return found
    path = fc_match()
    if path and Path(path).is_file():
        # fontconfig chose this file for zh-cn, so any family name is fine if it covers PROBE.
        found = _best((register or _register)(path), chinese_name=False)
        if found is not None:
            return found
    raise CJKFontMissingError(
        "No font that can draw Chinese was found, so every chart label would be an empty box. "
        f"Install the Debian package {CJK_FONT_PACKAGE} (apt-get install {CJK_FONT_PACKAGE}; "
        "the Makefile does this) and start again."
    )


def _best(entries: Iterable[font_manager.FontEntry], *, chinese_name: bool) -> CJKFont | None:
    """The regular-weight entry of the most preferred family that really covers PROBE.

    With ``chinese_name``, families outside the preferred list count only when their name says
    Simplified Chinese (``... SC``/``... CN``): a Japanese face covers PROBE too, in its forms.
    """
    candidates = [e for e in entries if e.style == "normal" and _weight(e.weight) == 400]

    def rank(entry: font_manager.FontEntry) -> tuple[int, str, str]:
        if entry.name in PREFERRED_FAMILIES:
            return (PREFERRED_FAMILIES.index(entry.name), entry.name, str(entry.fname))
        return (len(PREFERRED_FAMILIES), entry.name, str(entry.fname))

    for entry in sorted(candidates, key=rank):
        named = entry.name in PREFERRED_FAMILIES or entry.name.endswith((" SC", " CN"))
        index = int(getattr(entry, "index", 0))
        if (named or not chinese_name) and _covers(str(entry.fname), index):
            return CJKFont(family=entry.name, path=str(entry.fname), index=index)
    return None


def _weight(weight: int | str) -> int:
    return font_manager.weight_dict.get(weight, 400) if isinstance(weight, str) else weight


def _covers(path: str, index: int) -> bool:
    try:
        charmap = FT2Font(path, face_index=index).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(char) in charmap for char in PROBE)


def _register(path: str) -> list[font_manager.FontEntry]:
    font_manager.fontManager.addfont(path)
    return [e for e in font_manager.fontManager.ttflist if str(e.fname) == path]


def _fc_match() -> str | None:
    """The file fontconfig would use for Simplified Chinese, if fontconfig is installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        done = subprocess.run(
            [fc_match, "--format=%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
