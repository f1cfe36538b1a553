"""The knowledge in service, swapped whole on reload; the old one stays when a reload fails."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from bot.core.i18n import reload_catalogs
from bot.core.knowledge import Knowledge, load_knowledge


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
    def __init__(self, content_dir: Path, agencies_file: Path) -> None:
        self.content_dir = content_dir
        self.agencies_file = agencies_file
        self._lock = threading.Lock()
        knowledge, problems = _load(content_dir, agencies_file)
        if knowledge is None:
            raise KnowledgeError(problems)
        reload_catalogs(content_dir)
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
            reload_catalogs(self.content_dir)
            return []
