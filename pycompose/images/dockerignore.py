"""`.dockerignore` files and Docker's pattern semantics (moby/patternmatcher v0.6, as docker CLI 28 and
Compose v2.40 vendor it).

Reading (`ignorefile.ReadAll`): a UTF-8 BOM is dropped; lines starting with `#` (before any trimming) are
comments; each other line is trimmed, cleaned like Go's `filepath.Clean` and loses one leading `/`; a leading `!`
makes an exception. Matching: `*` and `?` never cross `/`, `**` crosses any number of directories, `[...]`
classes, `\\` escapes; later patterns win; a pattern that matches a parent directory matches everything inside.

Two matchers exist because Docker has two: `is_excluded` is `MatchesOrParentMatches` (stateless, what the CLI
uses to validate a context), `match_with_parent` is `MatchesUsingParentResults` (what the tar walk of
moby/go-archive uses, with each directory's results handed to its children). `trim_build_files` is the CLI's
`TrimBuildFilesFromExcludes`, which keeps the Dockerfile and `.dockerignore` in the context even when ignored.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pycompose.errors import ConfigError

_EXACT, _PREFIX, _SUFFIX, _REGEXP = "exact", "prefix", "suffix", "regexp"
_ESCAPED = set(".+()|{}$")
_BOM = "\ufeff"


@dataclass(frozen=True)
class Pattern:
    """One cleaned ignore pattern: `text` without its `!`, `exclusion` true for a `!` exception."""

    text: str
    exclusion: bool = False
    kind: str = field(default=_EXACT, compare=False)
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @property
    def depth(self) -> int:
        """How many path components the pattern has (`len(pattern.dirs)` in patternmatcher)."""
        return len(self.text.split("/"))

    def match(self, path: str) -> bool:
        """Whether this pattern alone matches the slash-separated `path` (no parent logic)."""
        if self.kind == _EXACT:
            return path == self.text
        if self.kind == _PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind == _SUFFIX:
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]
        assert self.regex is not None
        return self.regex.match(path) is not None

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text


def go_clean(path: str) -> str:
    """Go's `filepath.Clean` on a slash path (unlike `posixpath.normpath`, `//a` becomes `/a`, `` becomes `.`)."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def read_patterns(text: str) -> list[str]:
    """The pattern lines of an ignore file's text, cleaned exactly as `ignorefile.ReadAll` does."""
    out: list[str] = []
    for number, line in enumerate(text.splitlines()):
        if number == 0 and line.startswith(_BOM):
            line = line[1:]
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
        if line:
            line = go_clean(line)
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]
        out.append("!" + line if invert else line)
    return out


def compile_patterns(lines: Sequence[str], *, source: str | None = None) -> list[Pattern]:
    """Compile pattern strings (`!x` for exceptions) as `patternmatcher.New` does; bad syntax is a ConfigError."""
    patterns: list[Pattern] = []
    for raw in lines:
        text = raw.strip()
        if not text:
            continue
        text = go_clean(text)
        exclusion = text.startswith("!")
        if exclusion:
            if len(text) == 1:
                raise ConfigError('illegal exclusion pattern: "!"', file=source)
            text = text[1:]
        if not _valid_glob(text):
            raise ConfigError(f"syntax error in pattern {text!r}", file=source)
        kind, regex = _compile(text)
        patterns.append(Pattern(text, exclusion, kind, regex))
    return patterns


def ignore_file_for(context_dir: str, dockerfile: str | None, *, per_dockerfile: bool = True) -> str | None:
    """The ignore file that applies: `<Dockerfile>.dockerignore` beside the Dockerfile, else the context's.

    BuildKit (v2's default builder) honours the per-Dockerfile file; the classic CLI path (`docker build` with
    DOCKER_BUILDKIT=0, v2's `build_classic.go`) only reads `<context>/.dockerignore`: pass
    `per_dockerfile=False` for that. `dockerfile` is relative to the context unless absolute.
    """
    if per_dockerfile and dockerfile:
        path = dockerfile if os.path.isabs(dockerfile) else os.path.join(context_dir, dockerfile)
        candidate = path + ".dockerignore"
        if os.path.isfile(candidate):
            return candidate
    candidate = os.path.join(context_dir, ".dockerignore")
    return candidate if os.path.isfile(candidate) else None


def load_patterns(context_dir: str, dockerfile: str | None, *, per_dockerfile: bool = True) -> list[Pattern]:
    """Read and compile the patterns of the ignore file that applies (see `ignore_file_for`); none if absent."""
    path = ignore_file_for(context_dir, dockerfile, per_dockerfile=per_dockerfile)
    if path is None:
        return []
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f"error reading {os.path.basename(path)}: {exc.strerror}", file=path) from exc
    return compile_patterns(read_patterns(data.decode("utf-8", "surrogateescape")), source=path)


def is_excluded(relpath: str, patterns: Sequence[Pattern]) -> bool:
    """Whether `relpath` (slash-separated, relative to the context) is ignored: `MatchesOrParentMatches`.

    A pattern matching any parent directory matches the path; the last matching pattern decides; the context
    root itself (`.`) is never excluded.
    """
    def parent_matches(pattern: Pattern, parent_dirs: list[str]) -> bool:
        return any(pattern.match("/".join(parent_dirs[: i + 1])) for i in range(len(parent_dirs)))

    return _last_match_decides(relpath, patterns, parent_matches)


def legacy_matches(relpath: str, patterns: Sequence[Pattern]) -> bool:
    """patternmatcher's deprecated `Matches` (checks one parent prefix, as deep as the pattern), used by the CLI
    to decide whether the Dockerfile and `.dockerignore` need a `!` exception."""
    def parent_matches(pattern: Pattern, parent_dirs: list[str]) -> bool:
        return pattern.depth <= len(parent_dirs) and pattern.match("/".join(parent_dirs[: pattern.depth]))

    return _last_match_decides(relpath, patterns, parent_matches)


def _last_match_decides(relpath: str, patterns: Sequence[Pattern],
                        parent_matches: Callable[[Pattern, list[str]], bool]) -> bool:
    """The loop both matchers share: the path itself, else its parents as `parent_matches` checks them; the
    last pattern that matches decides (`!` patterns only reconsider a path already excluded)."""
    path = go_clean(relpath)
    if path == ".":
        return False
    parent = _dirname(path)
    parent_dirs = parent.split("/")
    matched = False
    for pattern in patterns:
        if pattern.exclusion != matched:
            continue
        if pattern.match(path) or (parent != "." and parent_matches(pattern, parent_dirs)):
            matched = not pattern.exclusion
    return matched


def match_with_parent(
    relpath: str, patterns: Sequence[Pattern], parent: tuple[bool, ...] | None
) -> tuple[bool, tuple[bool, ...]]:
    """`MatchesUsingParentResults`: (excluded, per-pattern results to hand to the children of `relpath`).

    `parent` is what the enclosing directory returned, or None at the top of the walk (then parents are
    checked as `is_excluded` does).
    """
    matched = False
    results = [False] * len(patterns)
    for index, pattern in enumerate(patterns):
        hit = bool(parent[index]) if parent else False
        if not hit:
            if pattern.exclusion != matched:
                continue
            hit = pattern.match(relpath)
            if not hit and not parent:
                dirname = _dirname(relpath)
                if dirname != ".":
                    dirs = dirname.split("/")
                    hit = any(pattern.match("/".join(dirs[: i + 1])) for i in range(len(dirs)))
        results[index] = hit
        if hit:
            matched = not pattern.exclusion
    return matched, tuple(results)


def exception_may_match_inside(dir_relpath: str, patterns: Sequence[Pattern]) -> bool:
    """Whether an excluded directory must still be walked: some `!` pattern starts with `dir/` (go-archive's
    literal prefix test, so `!**/keep` or `!*/keep` do not rescue files inside an excluded directory)."""
    prefix = dir_relpath + "/"
    return any(p.exclusion and (p.text + "/").startswith(prefix) for p in patterns)


def trim_build_files(patterns: Sequence[Pattern], dockerfile: str | None) -> list[Pattern]:
    """Add `!.dockerignore` and `!<dockerfile>` when the patterns would drop them (CLI
    `TrimBuildFilesFromExcludes`); the engine deletes them from the context itself after reading them."""
    out = list(patterns)
    if legacy_matches(".dockerignore", out):
        out += compile_patterns(["!.dockerignore"])
    if dockerfile and legacy_matches(dockerfile, out):
        out += compile_patterns(["!" + dockerfile])
    return out


def _dirname(path: str) -> str:
    head = path.rpartition("/")[0]
    if not head:
        return "/" if path.startswith("/") else "."
    return head


def _compile(text: str) -> tuple[str, re.Pattern[str] | None]:
    """patternmatcher `Pattern.compile`: the match kind and, for globs, the regular expression."""
    kind = _EXACT
    regex = "^"
    chars = list(text)
    pos = 0
    step = 0
    in_class = False
    while pos < len(chars):
        ch = chars[pos]
        pos += 1
        if ch == "*":
            if pos < len(chars) and chars[pos] == "*":
                pos += 1
                if pos < len(chars) and chars[pos] == "/":
                    pos += 1
                if pos >= len(chars):
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        regex += ".*"
                        kind = _REGEXP
                else:
                    regex += "(.*/)?"
                    kind = _REGEXP
                if step == 0:
                    kind = _SUFFIX
            else:
                regex += "[^/]*"
                kind = _REGEXP
        elif ch == "?":
            regex += "[^/]"
            kind = _REGEXP
        elif ch in _ESCAPED:
            regex += "\\" + ch
        elif ch == "\\":
            if pos < len(chars):
                regex += "\\" + chars[pos]
                pos += 1
                kind = _REGEXP
            else:
                regex += "\\\\"
        elif ch in "[]":
            if ch == "[" and in_class:
                regex += "\\["
            else:
                regex += ch
                in_class = ch == "["
            kind = _REGEXP
        else:
            regex += ch
        step += 1
    if kind != _REGEXP:
        return kind, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _REGEXP, re.compile(regex + r"\Z")
        except re.error as exc:
            raise ConfigError(f"syntax error in pattern {text!r}: {exc}") from exc


def _valid_glob(text: str) -> bool:
    """The syntax check `filepath.Match(p, ".")` makes: classes closed and well formed, no dangling `\\`."""
    pos, end = 0, len(text)
    while pos < end:
        ch = text[pos]
        if ch == "\\":
            if pos + 1 >= end:
                return False
            pos += 2
            continue
        if ch == "[":
            pos += 1
            if pos < end and text[pos] == "^":
                pos += 1
            ranges = 0
            while True:
                if pos < end and text[pos] == "]" and ranges > 0:
                    pos += 1
                    break
                lo, pos = _class_char(text, pos)
                if lo is None:
                    return False
                if pos < end and text[pos] == "-":
                    hi, pos = _class_char(text, pos + 1)
                    if hi is None or hi < lo:
                        return False
                ranges += 1
            continue
        pos += 1
    return True


def _class_char(text: str, pos: int) -> tuple[str | None, int]:
    if pos >= len(text) or text[pos] in "-]":
        return None, pos
    if text[pos] == "\\":
        pos += 1
        if pos >= len(text):
            return None, pos
    return text[pos], pos + 1
