""".gitignore -> .dockerignore translation.

The two formats differ: a .gitignore pattern without a slash matches at any depth, a .dockerignore
pattern is anchored at the build-context root; .gitignore has directory-only patterns (``dir/``),
.dockerignore does not. Pure functions over text: the command layer reads the files.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable


def _parse_gitignore_line(line: str) -> tuple[bool, str, bool] | None:
    """(negated, pattern without "!"/escape/trailing "/", directory-only) of one .gitignore line;
    None for blanks and comments."""
    text = line.rstrip("\n").rstrip()
    if not text or text.startswith("#"):
        return None
    negate = text.startswith("!")
    if negate:
        text = text[1:]
    if text.startswith("\\"):  # escaped leading "#" or "!"
        text = text[1:]
    core = text.rstrip("/")
    return (negate, core, core != text) if core else None


def translate_gitignore_line(line: str) -> str | None:
    """One .gitignore line as a .dockerignore pattern, or None for blanks and comments."""
    parsed = _parse_gitignore_line(line)
    if parsed is None:
        return None
    # .dockerignore has no directory-only marker: it matches files and directories alike
    negate, text, _directory_only = parsed
    if text.startswith("/"):
        pattern = text.lstrip("/")  # anchored in git, anchored in docker
    elif "/" in text:
        pattern = text  # a slash in the middle anchors it in git as well
    elif text.startswith("**"):
        pattern = text
    else:
        pattern = f"**/{text}"  # no slash: git matches it at any depth
    return f"!{pattern}" if negate else pattern


def rebase_gitignore(text: str, directory: str) -> str:
    """A nested .gitignore (the one in ``directory``, relative POSIX) as lines of the root one.

    Its patterns match only below its directory: a pattern without a slash at any depth there
    (``dir/**/p``), one with a slash relative to it (``dir/p``). Negations and directory-only
    markers are kept; comments and blanks dropped."""
    base = directory.strip("/")
    out = []
    for line in text.splitlines():
        parsed = _parse_gitignore_line(line)
        if parsed is None:
            continue
        negate, core, directory_only = parsed
        # an escaped leading "#"/"!" needs no escape once rebased: the pattern starts with "/"
        rebased = f"/{base}/{core.lstrip('/')}" if "/" in core else f"/{base}/**/{core}"
        out.append(("!" if negate else "") + rebased + ("/" if directory_only else ""))
    return "\n".join(out)


def translate_gitignore(text: str) -> tuple[str, ...]:
    """All patterns of a .gitignore, translated, in order (order matters for ``!`` exceptions)."""
    patterns = (translate_gitignore_line(line) for line in text.splitlines())
    return tuple(p for p in patterns if p is not None)


def keep_exceptions(needed: Iterable[str]) -> tuple[str, ...]:
    """``!path`` lines that re-include files the build must see, whatever the patterns above say."""
    return tuple(f"!{path}" for path in dict.fromkeys(needed))


def ignores(gitignore: str, name: str) -> bool:
    """Whether a top-level file ``name`` is ignored by this .gitignore text (last match wins)."""
    ignored = False
    for pattern in translate_gitignore(gitignore):
        negate = pattern.startswith("!")
        bare = pattern.lstrip("!").removeprefix("**/")
        if fnmatch.fnmatchcase(name, bare):
            ignored = not negate
    return ignored
