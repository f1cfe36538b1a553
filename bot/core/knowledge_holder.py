"""The knowledge in service, swapped whole on reload; the old one stays when a reload fails."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.core.i18n import reload_catalogs
from bot.core.knowledge import Knowledge, load_knowledge


class KnowledgeError(RuntimeError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class KnowledgeHolder:
    def __init__(self, content_dir: Path, agencies_file: Path) -> None:
        self.content_dir = content_dir
        self.agencies_file = agencies_file
        self._lock = threading.Lock()
        knowledge, problems = load_knowledge(content_dir, agencies_file)
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
            knowledge, problems = load_knowledge(self.content_dir, self.agencies_file)
            if knowledge is None:
                return problems
            self._current = knowledge
            reload_catalogs(self.content_dir)
            return []
