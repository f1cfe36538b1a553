"""The knowledge in service, swapped whole on reload; the old one stays when a reload fails.

With `last_good_dir` (e.g. DATA_DIR/content-last-good) every good load leaves a copy of the
content files there, and a start-up with a broken file serves that file's last good version
instead of refusing to start (`fallback` says which files; `content check` still fails).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

from bot.core.content import last_good
from bot.core.content.loader import scan_content
from bot.core.i18n import reload_catalogs
from bot.core.knowledge import Knowledge, load_knowledge

log = logging.getLogger(__name__)


class KnowledgeError(RuntimeError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def unreadable_entries(content_dir: Path, *files: Path) -> list[str]:
    """Entries that must not be read: anything under ``content_dir`` that is not a regular file
    or directory (a named pipe would hang a reload for ever; a device or socket makes no
    sense), links leading out of the tree, and ``files`` that are not regular files."""
    problems: list[str] = []
    root = content_dir.resolve()
    for folder, dirs, names in os.walk(content_dir):  # links to directories are not followed
        for name in dirs + names:
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    problems.append(f"{path}: a link to outside the content folder; not read")
                    continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                problems.append(f"{path}: cannot be read ({exc.strerror})")
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.append(f"{path}: not a regular file (a pipe, device or socket); not read")
    for path in files:
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                problems.append(f"{path}: not a regular file; not read")
        except FileNotFoundError:
            pass  # the loader reports a missing file in its own words
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
    return problems


def _load(content_dir: Path, agencies_file: Path) -> tuple[Knowledge | None, list[str]]:
    problems = unreadable_entries(content_dir, agencies_file)
    if problems:
        return None, problems
    return load_knowledge(content_dir, agencies_file)


class KnowledgeHolder:
    def __init__(self, content_dir: Path, agencies_file: Path, *,
                 last_good_dir: Path | None = None) -> None:
        self.content_dir = Path(content_dir)
        self.agencies_file = agencies_file
        self.last_good_dir = Path(last_good_dir) if last_good_dir is not None else None
        self.fallback: list[str] = []  # files served from their last good version, and why
        # told after every successful reload (in the reloading thread; keep them quick)
        self.listeners: list[Callable[[Knowledge], None]] = []
        self._lock = threading.Lock()
        knowledge, problems = _load(self.content_dir, agencies_file)
        serving = self.content_dir
        if knowledge is None:
            knowledge, serving = self._start_from_last_good(problems)
        else:
            self._keep_as_last_good()
        if knowledge is None:
            raise KnowledgeError(problems)
        reload_catalogs(serving)
        self._current = knowledge

    @property
    def current(self) -> Knowledge:
        return self._current

    def __call__(self) -> Knowledge:
        return self._current

    def reload(self) -> list[str]:
        """Load again; on problems keep serving the old knowledge and return the problems."""
        with self._lock:
            knowledge, problems = _load(self.content_dir, self.agencies_file)
            if knowledge is None:
                return problems
            self._current = knowledge
            self.fallback = []
            reload_catalogs(self.content_dir)
            self._keep_as_last_good()
        for listener in list(self.listeners):
            try:
                listener(knowledge)
            except Exception as exc:  # a listener must not make a good reload look failed
                log.error("a reload listener failed: %s", type(exc).__name__)
        return []

    # --- the last good version --------------------------------------------------------------

    def _keep_as_last_good(self) -> None:
        if self.last_good_dir is None:
            return
        try:
            last_good.save_snapshot(self.content_dir, self.last_good_dir / "snapshot")
        except OSError as exc:  # a full or read-only disk must not stop the bot
            log.warning("could not keep the last good content: %s", exc.strerror)

    def _start_from_last_good(self, problems: list[str]) -> tuple[Knowledge | None, Path]:
        """Serve the current files with each broken one replaced by its last good version;
        failing that, the last good snapshot as a whole."""
        if self.last_good_dir is None:
            return None, self.content_dir
        snapshot = self.last_good_dir / "snapshot"
        if not last_good.has_snapshot(snapshot):
            return None, self.content_dir
        root = self.content_dir.resolve()
        broken: set[Path] = set()
        for p in scan_content(self.content_dir).problems:
            if p.is_error:
                try:
                    broken.add(Path(p.path).resolve().relative_to(root))
                except (ValueError, OSError):
                    continue
        patched = self.last_good_dir / "serving"
        try:
            taken = last_good.patch_with_snapshot(self.content_dir, snapshot, broken, patched)
        except OSError as exc:
            log.warning("could not build the content from its last good version: %s",
                        exc.strerror)
            return None, self.content_dir
        knowledge, _ = load_knowledge(patched, self.agencies_file)
        if knowledge is not None:
            self.fallback = [f"{rel.as_posix()}: has errors; its last good version is served"
                             for rel in taken] + problems
            log.warning("content has errors; serving the last good version of %d file(s)",
                        len(taken))
            return knowledge, patched
        knowledge, _ = load_knowledge(snapshot, self.agencies_file)
        if knowledge is not None:
            self.fallback = ["the content has errors; the last good content is served", *problems]
            log.warning("content has errors; serving the last good content")
            return knowledge, snapshot
        return None, self.content_dir
