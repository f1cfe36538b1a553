"""The last good version of the content, kept so that one broken file never stops the bot.

After every load without errors the content files are copied to a snapshot folder (in the
data folder, not in content/). When the bot starts and a file has an error, the bot is built
from the current files with each broken file replaced by its last good version; when that
still fails, from the snapshot as a whole. Staff see which files are served from the last
good version, and `content check` still fails until they are fixed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from bot.core.content import files

# What the bot reads from the content folder (the agency list has its own import checks).
CONTENT_SUFFIXES = (".md", ".yaml", ".yml", ".po", ".pot")


def content_files(root: Path) -> Iterator[Path]:
    """Paths (relative to root) of the content files: regular files, no hidden folders."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith(CONTENT_SUFFIXES) and not name.startswith("."):
                yield path.relative_to(root)


def _copy_tree(pairs: Iterator[tuple[Path, Path]], dest: Path) -> None:
    """Write every (source file, relative path) into a new folder, then put it at `dest`."""
    tmp = dest.with_name(dest.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for source, rel in pairs:
        data, _problem = files.read_bytes(source)
        if data is None:
            continue
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def save_snapshot(content_dir: Path, snapshot: Path) -> None:
    """Keep a copy of the content files that just loaded without errors."""
    _copy_tree(((content_dir / rel, rel) for rel in content_files(content_dir)
                if files.is_inside(content_dir / rel, content_dir)), snapshot)


def has_snapshot(snapshot: Path) -> bool:
    return snapshot.is_dir() and any(snapshot.iterdir())


def patch_with_snapshot(content_dir: Path, snapshot: Path, broken: set[Path], dest: Path
                        ) -> list[Path]:
    """Build `dest` from the current files, each broken file replaced by its last good copy.

    `broken` holds paths relative to content_dir. A broken file with no last good copy is
    left out. Returns the relative paths that were taken from the snapshot.
    """
    taken: list[Path] = []

    def pairs() -> Iterator[tuple[Path, Path]]:
        for rel in content_files(content_dir):
            if rel not in broken and files.is_inside(content_dir / rel, content_dir):
                yield content_dir / rel, rel
        for rel in sorted(broken):
            if (snapshot / rel).is_file():
                taken.append(rel)
                yield snapshot / rel, rel

    _copy_tree(pairs(), dest)
    return taken
