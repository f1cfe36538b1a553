"""Reading the files staff edit, safely: what the live bot loads and `content check` checks.

- Only regular files are read: a named pipe, a device or a folder is refused without opening
  it for long (a pipe would block a plain read forever), and a link that leads out of the
  content folder is refused.
- Every file has a size limit, checked before it is decoded or parsed.
- Text is UTF-8 (a BOM is allowed); newlines are normalised.
- YAML is read with a safe loader that refuses anchors and aliases (`&a`, `*a`): a 600-byte
  "billion laughs" file would otherwise expand to gigabytes. Staff never need them.
- A YAML mistake is reported at the line where it is, in words staff understand: an unclosed
  quote at the line where the quote opens, a tab as "a tab".
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from bot.core.content.topics import Problem

KIB = 1024
# Size limits by file name or suffix. A topic answer is at most 4096 characters and so is its
# "more" part; with front matter a topic file is a few KiB: 256 KiB is far above any real one.
MAX_BYTES = {
    ".md": 256 * KIB,
    "facts.yaml": 1024 * KIB,
    ".yaml": 256 * KIB,
    ".po": 1024 * KIB,
    ".pot": 1024 * KIB,
}
DEFAULT_MAX_BYTES = 1024 * KIB


def max_bytes_for(path: Path) -> int:
    return MAX_BYTES.get(path.name) or MAX_BYTES.get(path.suffix) or DEFAULT_MAX_BYTES


def is_inside(path: Path, root: Path) -> bool:
    """True when `path`, links followed, is inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_bytes(path: Path, root: Path | None = None, max_bytes: int | None = None
               ) -> tuple[bytes | None, Problem | None]:
    """The bytes of a regular file of at most `max_bytes`, or the problem (never blocks)."""
    limit = max_bytes or max_bytes_for(path)
    if root is not None and not is_inside(path, root):
        return None, Problem(path, None, "the file is a link to a place outside the content "
                             "folder; it is not read", "replace the link with the file itself")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return None, Problem(path, None, f"cannot read the file ({exc.strerror})",
                             "check that the file exists and can be read")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, Problem(path, None, "this is not a regular file (a folder, pipe or "
                                 "device); it is not read", "replace it with a normal text file")
        if info.st_size > limit:
            return None, _too_big(path, info.st_size, limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(64 * KIB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # the file grew while it was read
            return None, _too_big(path, size, limit)
        return b"".join(chunks), None
    except OSError as exc:
        return None, Problem(path, None, f"cannot read the file ({exc.strerror})",
                             "check that the file exists and can be read")
    finally:
        os.close(fd)


def _too_big(path: Path, size: int, limit: int) -> Problem:
    return Problem(path, None, f"the file is {size // KIB + 1} KB; the limit is {limit // KIB} KB",
                   "this is far more than any real file: check that it is the right file, "
                   "or split the text")


def read_text(path: Path, root: Path | None = None, max_bytes: int | None = None
              ) -> tuple[str | None, Problem | None]:
    """A file's text (UTF-8, BOM allowed, newlines normalised), or the problem reading it."""
    data, problem = read_bytes(path, root, max_bytes)
    if data is None:
        return None, problem
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, Problem(path, line, "the file is not UTF-8 text",
                             "open it in a text editor and save it as UTF-8 "
                             "(in Notepad: Save As… > Encoding: UTF-8)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# --------------------------------------------------------------------------- YAML


class AnchorError(yaml.YAMLError):
    """An anchor (&name) or alias (*name) in a staff file: refused."""

    def __init__(self, mark: Any, symbol: str) -> None:
        super().__init__(f"'{symbol}' (a YAML anchor or alias) is not allowed")
        self.problem = f"'{symbol}' (a YAML anchor or alias) is not allowed"
        self.problem_mark = mark
        self.context_mark = None
        self.symbol = symbol


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


class NoAliasLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses anchors and aliases before anything is built."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise AnchorError(event.start_mark, "*")
        if getattr(event, "anchor", None):
            raise AnchorError(event.start_mark, "&")
        return super().compose_node(parent, index)


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of one YAML document; raises yaml.YAMLError (aliases included).

    libyaml (PyYAML's C loader) reads a well-formed file about ten times faster, which is most of
    the bot's start-up; anything it refuses, and any anchor or alias, is read again by the Python
    loader, so that a staff error is always reported in the same words and at the same line."""
    if _FAST_LOADER is not None:
        try:
            if not any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)
                       for e in yaml.parse(text, Loader=_FAST_LOADER)):
                loader = _FAST_LOADER(text)
                try:
                    node = loader.get_single_node()
                    return (loader.construct_document(node) if node is not None else None), node
                finally:
                    loader.dispose()
        except yaml.YAMLError:
            pass  # the Python loader below says what is wrong, as staff read it
    loader = NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


YAML_HINT = ("check the indentation (2 spaces, no tabs) and the quotes; a value that contains "
             "': ' or ' #', or starts with [ { & * ! | > % @ ` or a quote, must be written "
             "inside \"double quotes\"")


def yaml_problem(exc: yaml.YAMLError, text: str, path: Path, first_line: int,
                 what: str = "the front matter") -> Problem:
    """A YAML error as staff read it: the right line, the likely mistake, the fix."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", "") or "")
    reason = str(getattr(exc, "problem", "") or "") or str(exc).splitlines()[0]
    mark = problem_mark or context_mark
    lines = text.split("\n")

    def file_line(m: Any) -> int:
        return first_line + (m.line if m is not None else 0)

    if isinstance(exc, AnchorError):
        return Problem(path, file_line(mark), f"{what} uses '{exc.symbol}', which YAML reads "
                       "as an anchor or alias; they are not allowed",
                       f"if '{exc.symbol}' starts a text, put the whole text inside "
                       "\"double quotes\"; otherwise write the value out in full")
    if "quoted scalar" in context and context_mark is not None:
        return Problem(path, file_line(context_mark), "a quote (\" or ') opened on this line "
                       "is never closed", "add the closing quote at the end of the text, on "
                       "the same line")
    if "'\\t'" in reason or (mark is not None and mark.line < len(lines)
                              and "\t" in lines[mark.line][:max(mark.column, 0) + 1]):
        return Problem(path, file_line(mark), "a tab character is used here; YAML needs spaces",
                       "replace the tab with spaces (2 spaces for each level of indentation)")
    if mark is not None and mark.line >= len(lines) - 1 and context_mark is not None:
        mark = context_mark  # "unexpected end": the mistake is where the open thing started
    return Problem(path, file_line(mark), f"{what} is not valid YAML ({reason})", YAML_HINT)
