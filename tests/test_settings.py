"""Settings come from the environment; production refuses to start without SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _start_wsgi(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "import kaohe.config.wsgi"],
        env={**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    started = _start_wsgi(tmp_path)
    assert started.returncode != 0
    assert "SECRET_KEY must be set" in started.stderr


def test_production_starts_with_a_secret_key(tmp_path: Path) -> None:
    started = _start_wsgi(tmp_path, SECRET_KEY="x" * 50)
    assert started.returncode == 0, started.stderr


def test_default_database_is_a_sqlite_file_under_var(tmp_path: Path) -> None:
    # Another test may have imported the WSGI module, which sets DEBUG=0 in this process.
    unset = {"DATABASE_URL", "DEBUG", "SECRET_KEY"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    code = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.DATABASES['default']['NAME'], settings.LANGUAGE_CODE, settings.TIME_ZONE)"
    )
    started = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kaohe.config.settings"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    shown = started.stdout.split()
    assert shown == [str(tmp_path / "var" / "kaohe.sqlite3"), "zh-hans", "Asia/Shanghai"]
    assert (tmp_path / "var").is_dir()
