"""Checks of the benchmark commands' options, made before any work starts, and the writing of their JSON reports.

A bad --json path or a meaningless number of seconds is refused with a CommandError at once: a run of minutes (or
one that writes thousands of articles) must not end in a traceback because its report cannot be written.
"""

from __future__ import annotations

import math
import os
import secrets
import stat
from pathlib import Path

from django.core.management.base import CommandError


def positive_seconds(option: str, value: float | None) -> None:
    """Refuse a number of seconds that is not above 0 (or not a number: nan, inf); None means not given."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise CommandError(f"{option} must be more than 0 (seconds).")


def output_file(path: str, option: str = "--json") -> Path:
    """The file `path` names, once it is sure that it can be written: not a folder, in a folder that exists and
    where this process can create a file (tried: a file is made there and removed). Raises CommandError."""
    target = Path(os.path.realpath(Path(path).expanduser()))  # through a symbolic link: its target is replaced
    if target.is_dir():
        raise CommandError(f"{option} {path} is a folder: give the path of a file, e.g. {Path(path) / 'bench.json'}.")
    folder = target.parent
    if not folder.exists():
        raise CommandError(f"{option} {path}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise CommandError(f"{option} {path}: {folder} is not a folder.")
    if target.exists() and not target.is_file():
        raise CommandError(f"{option} {path} is not a regular file.")
    try:
        probe = _create_beside(target)
    except OSError as exc:
        raise CommandError(f"{option} {path}: cannot write in {folder} ({exc.strerror or exc}).") from exc
    probe.unlink()
    return target


def write_file(target: Path, text: str) -> None:
    """Write `text` to `target` atomically: into a new file of the same folder, then renamed over it. A reader never
    sees half a report, and a failed write leaves the previous one as it was. Raises CommandError."""
    temporary = None
    try:
        temporary = _create_beside(target)
        with temporary.open("w", encoding="utf-8") as out:
            out.write(text)
        if target.exists():
            temporary.chmod(stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise CommandError(f"Could not write {target}: {exc.strerror or exc}.") from exc


def _create_beside(target: Path) -> Path:
    """A new, empty, hidden file in the folder of `target` (permissions as open() would give the file itself)."""
    path = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return path
