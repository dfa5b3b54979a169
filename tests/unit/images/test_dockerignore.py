"""`.dockerignore` reading and matching, with Docker's semantics (moby/patternmatcher v0.6, docker CLI 28.2.2).

Error messages and the walk results were checked against `DOCKER_BUILDKIT=0 docker build` (see
test_context_tables.py); single-path results follow patternmatcher's `MatchesOrParentMatches`.
"""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.images.dockerignore import (
    compile_patterns,
    exception_may_match_inside,
    go_clean,
    ignore_file_for,
    is_excluded,
    legacy_matches,
    load_patterns,
    read_patterns,
    trim_build_files,
)


def test_read_patterns_cleans_like_ignorefile_readall():
    text = "\ufeff/top\n# comment\n  # indented is a pattern\n\n  ./a/../b/  \n!  /keep\n//x\n/\n!./c\n"
    assert read_patterns(text) == ["top", "# indented is a pattern", "b", "!keep", "x", "/", "!c"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("", "."), (".", "."), ("a/./b/", "a/b"), ("a/../../b", "../b"), ("//a", "/a"), ("/../a", "/a"), ("a//b", "a/b"),
])
def test_go_clean(raw, clean):
    assert go_clean(raw) == clean


@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("**", "file", True),
    ("**", "dir/file", True),
    ("**/", "file", True),
    ("dir/**", "dir/a/b", True),
    ("abc/**", "abc", False),
    ("**/dir", "dir", True),
    ("**/dir", "x/dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**file", "dir/dir/file", True),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt2", "a/b/file.txt", False),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("*.txt", "a/file.txt", False),
    ("a", "a/b/c", True),
    ("a/b", "a", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    ("a[!b]e", "aze", False),
    ("a[!b]e", "a!e", True),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abc/def", False),
    ("abc.def", "abcZdef", False),
    ("a(b)c/d+e{f}$|", "a(b)c/d+e{f}$|", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "axb", False),
    ("/top", "top", True),
    ("./top/", "top", True),
    ("x", ".", False),
    ("*", ".", False),
    ("line", "line\n", False),
])
def test_single_pattern(pattern, path, excluded):
    assert is_excluded(path, compile_patterns(read_patterns(pattern))) is excluded


@pytest.mark.parametrize(("lines", "path", "excluded"), [
    (["*.md", "!README.md"], "README.md", False),
    (["!README.md", "*.md"], "README.md", True),
    (["**", "!util/web"], "util/web/foo", False),
    (["**", "!util/web", "util/web/foo"], "util/web/foo", True),
    (["a", "!a/b"], "a/b/c", False),
    (["a", "!a/b"], "a/x", True),
    # stateless matching tries `!a` on the parents of a/b/c; the tar walk does not (see test_context_tables)
    (["a/b", "!a"], "a/b/c", False),
])
def test_exceptions_in_order(lines, path, excluded):
    assert is_excluded(path, compile_patterns(lines)) is excluded


@pytest.mark.parametrize("line", ["[a", "a\\", "[]a]", "[z-a]", "[-a]"])
def test_bad_patterns_are_errors(line):
    # docker build: "error checking context: syntax error in pattern"
    with pytest.raises(ConfigError, match="syntax error in pattern"):
        compile_patterns(read_patterns(line + "\n"), source=".dockerignore")


def test_lone_bang_is_an_error():
    # docker build: `error checking context: illegal exclusion pattern: "!"`
    with pytest.raises(ConfigError, match='illegal exclusion pattern: "!"'):
        compile_patterns(read_patterns("!\n"))


def test_exception_rescues_directory_only_by_literal_prefix():
    patterns = compile_patterns(["dir", "!dir/keep", "!**/x", "!*/y"])
    assert exception_may_match_inside("dir", patterns)
    assert not exception_may_match_inside("di", patterns)
    assert not exception_may_match_inside("other", patterns)


def test_trim_build_files_keeps_dockerfile_and_ignore_file():
    patterns = trim_build_files(compile_patterns(["*", "docker"]), "docker/Dockerfile")
    assert [str(p) for p in patterns] == ["*", "docker", "!.dockerignore", "!docker/Dockerfile"]
    assert trim_build_files(compile_patterns(["*.md"]), "Dockerfile") == compile_patterns(["*.md"])


def test_legacy_matches_checks_one_parent_prefix():
    # the deprecated Matches only looks at the parent prefix as deep as the pattern
    assert legacy_matches("a/b/c", compile_patterns(["a"]))
    assert not legacy_matches("a/b/c", compile_patterns(["b"]))
    assert is_excluded("a/b/c", compile_patterns(["*/b"]))
    assert legacy_matches("a/b/c", compile_patterns(["*/b"]))


def test_load_patterns_prefers_the_dockerfile_specific_file(tmp_path):
    (tmp_path / ".dockerignore").write_text("from-context\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "app.Dockerfile").write_text("FROM busybox:latest\n")
    assert [str(p) for p in load_patterns(str(tmp_path), "sub/app.Dockerfile")] == ["from-context"]
    (tmp_path / "sub" / "app.Dockerfile.dockerignore").write_text("*\n!src\n")
    assert [str(p) for p in load_patterns(str(tmp_path), "sub/app.Dockerfile")] == ["*", "!src"]
    assert ignore_file_for(str(tmp_path), "sub/app.Dockerfile") == str(tmp_path / "sub/app.Dockerfile.dockerignore")
    # the classic docker CLI reads only the context's file
    assert [str(p) for p in load_patterns(str(tmp_path), "sub/app.Dockerfile", per_dockerfile=False)] == [
        "from-context"]


def test_load_patterns_without_any_file(tmp_path):
    assert load_patterns(str(tmp_path), "Dockerfile") == []
    assert load_patterns(str(tmp_path), None) == []
