"""Which entries the context tar holds for a `.dockerignore`, in which order.

Every expectation below was captured from the real docker CLI 28.2.2 (classic path, `DOCKER_BUILDKIT=0 docker
build .`) by recording the tar it POSTs to `/build`, and spot-checked with `COPY . /ctx` + `find` on engine 20.10
(which then also deletes the Dockerfile and `.dockerignore` from the context when the patterns exclude them).
"""

from __future__ import annotations

import os
import tarfile

import pytest

from pycompose.images.context import make_context_tar

TREE = ["Dockerfile", ".hidden", "top.txt", "README.md", "notes.md", "fa.txt", "b.txt", "a/x.txt", "a/b/y.txt",
        "a/b/z.go", "logs/1.log", "logs/keep.log", "src/main.py", "src/tmp/t", "tmp/t", "dir/keep", "dir/drop",
        "dir/sub/keep", "dir/a.keep", "star*"]

# What docker sent with a `.dockerignore` that ignores nothing: byte order of names, depth first, directory
# entries (with "/") before their contents, no entry for the context root.
EVERYTHING = [
    ".dockerignore", ".hidden", "Dockerfile", "README.md", "a/", "a/b/", "a/b/y.txt", "a/b/z.go", "a/x.txt",
    "b.txt", "dir/", "dir/a.keep", "dir/drop", "dir/keep", "dir/sub/", "dir/sub/keep", "fa.txt", "logs/",
    "logs/1.log", "logs/keep.log", "notes.md", "src/", "src/main.py", "src/tmp/", "src/tmp/t", "star*", "tmp/",
    "tmp/t", "top.txt",
]
NOT_TOP = [n for n in EVERYTHING if n not in (".dockerignore", "Dockerfile")]

# (.dockerignore text, entries docker left out of EVERYTHING)
TABLE = [
    pytest.param("# comment\n  #not-a-comment\n   top.txt   \n\n#README.md\n", ["top.txt"], id="comments"),
    pytest.param("*.md\n!README.md\n", ["notes.md"], id="exception_after"),
    pytest.param("!README.md\n*.md\n", ["README.md", "notes.md"], id="exception_before_loses"),
    pytest.param("**/*.log\n", ["logs/1.log", "logs/keep.log"], id="dstar_suffix"),
    pytest.param("**/*.log\n!logs/keep.log\n", ["logs/1.log"], id="dstar_with_exception"),
    pytest.param("a/**\n", ["a/b/", "a/b/y.txt", "a/b/z.go", "a/x.txt"], id="dstar_tail_keeps_dir"),
    pytest.param("**\n", NOT_TOP, id="dstar_everything"),
    pytest.param("**\n!src\n", [n for n in NOT_TOP if not n.startswith("src/")], id="dstar_but_src"),
    pytest.param("**/tmp\n", ["src/tmp/", "src/tmp/t", "tmp/", "tmp/t"], id="dstar_any_depth"),
    pytest.param("*\n!src\n!Dockerfile\n", [n for n in NOT_TOP if not n.startswith("src/")], id="star_but_src"),
    pytest.param("*/*.txt\n", ["a/x.txt"], id="star_one_level"),
    pytest.param("*.txt\n", ["b.txt", "fa.txt", "top.txt"], id="star_top_only"),
    pytest.param("f?.txt\n", ["fa.txt"], id="question"),
    pytest.param("[ab].txt\n", ["b.txt"], id="class"),
    pytest.param("[a-b].txt\n", ["b.txt"], id="class_range"),
    pytest.param("[^a].txt\n", ["b.txt"], id="class_caret_negates"),
    pytest.param("[!a].txt\n", [], id="class_bang_is_literal"),
    pytest.param("/top.txt\n/a/b\n", ["a/b/", "a/b/y.txt", "a/b/z.go", "top.txt"], id="leading_slash"),
    pytest.param("./top.txt\n./a/../src\n", ["src/", "src/main.py", "src/tmp/", "src/tmp/t", "top.txt"],
                 id="dot_and_dotdot_cleaned"),
    pytest.param("logs/\ndir/sub/\n", ["dir/sub/", "dir/sub/keep", "logs/", "logs/1.log", "logs/keep.log"],
                 id="trailing_slash"),
    pytest.param("dir\n!dir/keep\n", ["dir/", "dir/a.keep", "dir/drop", "dir/sub/", "dir/sub/keep"],
                 id="excluded_dir_rescued_file_without_dir_entry"),
    pytest.param("dir\n!dir/sub/keep\n", ["dir/", "dir/a.keep", "dir/drop", "dir/keep", "dir/sub/"],
                 id="excluded_dir_rescued_deep"),
    pytest.param("dir\n!dir/*.keep\n", ["dir/", "dir/drop", "dir/keep", "dir/sub/", "dir/sub/keep"],
                 id="excluded_dir_rescued_glob"),
    pytest.param("dir\n!**/keep\n", ["dir/", "dir/a.keep", "dir/drop", "dir/keep", "dir/sub/", "dir/sub/keep"],
                 id="dstar_exception_cannot_enter_excluded_dir"),
    pytest.param("dir\n!*/keep\n", ["dir/", "dir/a.keep", "dir/drop", "dir/keep", "dir/sub/", "dir/sub/keep"],
                 id="star_exception_cannot_enter_excluded_dir"),
    pytest.param("dir/*\n!dir/keep\n", ["dir/a.keep", "dir/drop", "dir/sub/", "dir/sub/keep"], id="dir_contents"),
    pytest.param("a\n!a/b\na/b/z.go\n", ["a/", "a/b/z.go", "a/x.txt"], id="exclude_except_exclude"),
    pytest.param("Dockerfile\n.dockerignore\n", [], id="build_files_always_sent"),
    pytest.param("*\n", NOT_TOP, id="star_keeps_build_files"),
    pytest.param("star\\*\n", ["star*"], id="escaped_star"),
    pytest.param(".*\n", [".hidden"], id="dotfiles"),
]


def make_tree(root, files, ignore=None):
    for name in files:
        if "->" in name:
            link, target = name.split("->")
            os.makedirs(os.path.dirname(os.path.join(root, link)) or root, exist_ok=True)
            os.symlink(target, os.path.join(root, link))
            continue
        path = os.path.join(root, name)
        if name.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write("FROM busybox:latest\n" if name.endswith("Dockerfile") else name)
    if ignore is not None:
        with open(os.path.join(root, ".dockerignore"), "w") as handle:
            handle.write(ignore)
    return str(root)


def entries(stream):
    out = []
    with tarfile.open(fileobj=stream) as tar:
        for member in tar:
            name = member.name + ("/" if member.isdir() else "")
            if member.issym():
                name += " -> " + member.linkname
            if member.islnk():
                name += " => " + member.linkname
            out.append(name)
    return out


def test_no_ignore_file_sends_everything_in_docker_order(tmp_path):
    stream, dockerfile = make_context_tar(make_tree(tmp_path, TREE))
    assert dockerfile == "Dockerfile"
    assert entries(stream) == [n for n in EVERYTHING if n != ".dockerignore"]


@pytest.mark.parametrize(("ignore", "dropped"), TABLE)
def test_dockerignore_table_matches_docker_cli(tmp_path, ignore, dropped):
    stream, _ = make_context_tar(make_tree(tmp_path, TREE, ignore))
    assert entries(stream) == [n for n in EVERYTHING if n not in dropped]


def test_dockerfile_in_ignored_dir_is_still_sent(tmp_path):
    root = make_tree(tmp_path, TREE + ["docker/Dockerfile", "docker/other"], "docker\n")
    stream, dockerfile = make_context_tar(root, dockerfile="docker/Dockerfile")
    assert dockerfile == "docker/Dockerfile"
    names = entries(stream)
    assert "docker/Dockerfile" in names and "docker/" not in names and "docker/other" not in names


def test_dockerfile_in_dir_whose_contents_are_ignored(tmp_path):
    root = make_tree(tmp_path, TREE + ["docker/Dockerfile", "docker/other"], "docker/*\n")
    stream, _ = make_context_tar(root, dockerfile="docker/Dockerfile")
    names = entries(stream)
    assert names[names.index("docker/"):names.index("docker/") + 3] == ["docker/", "docker/Dockerfile", "fa.txt"]


def test_symlinks_are_sent_as_links_never_followed(tmp_path):
    links = ["ln_file->top.txt", "ln_dir->a", "ln_dangling->nowhere", "ln_abs->/etc/passwd", "src/ln_up->../top.txt"]
    stream, _ = make_context_tar(make_tree(tmp_path, TREE + links, "a\n"))
    assert entries(stream) == [
        ".dockerignore", ".hidden", "Dockerfile", "README.md", "b.txt", "dir/", "dir/a.keep", "dir/drop",
        "dir/keep", "dir/sub/", "dir/sub/keep", "fa.txt", "ln_abs -> /etc/passwd", "ln_dangling -> nowhere",
        "ln_dir -> a", "ln_file -> top.txt", "logs/", "logs/1.log", "logs/keep.log", "notes.md", "src/",
        "src/ln_up -> ../top.txt", "src/main.py", "src/tmp/", "src/tmp/t", "star*", "tmp/", "tmp/t", "top.txt",
    ]


def test_patterns_see_the_link_not_its_target(tmp_path):
    stream, _ = make_context_tar(make_tree(tmp_path, TREE + ["ln_dir->a"], "top.txt\nln_dir/x.txt\n"))
    names = entries(stream)
    assert "ln_dir -> a" in names and "a/x.txt" in names and "top.txt" not in names


def test_empty_directories_are_sent(tmp_path):
    stream, _ = make_context_tar(make_tree(tmp_path, TREE + ["empty/", "empty2/inner/"], "tmp\n"))
    names = entries(stream)
    assert names[names.index("empty/"):names.index("empty/") + 4] == ["empty/", "empty2/", "empty2/inner/", "fa.txt"]
    assert "tmp/" not in names and "src/tmp/" in names


def test_byte_order_of_names(tmp_path):
    root = make_tree(tmp_path, ["Dockerfile", "éa", "ea", "zz", "Z", "_"], "é*\n")
    stream, _ = make_context_tar(root)
    assert entries(stream) == [".dockerignore", "Dockerfile", "Z", "_", "ea", "zz"]


@pytest.mark.parametrize(("ignore", "files", "expected"), [
    # a/b/c: `a/b` matches its parent, and `!a` is only tried on a/b/c itself: still excluded in the walk
    ("a/b\n!a\n", ["Dockerfile", "a/b/c", "a/d"], [".dockerignore", "Dockerfile", "a/", "a/d"]),
    ("*\n!a/b\n", ["Dockerfile", "a/b/c", "a/d", "x"], [".dockerignore", "Dockerfile", "a/b/", "a/b/c"]),
    ("a\n!a/b/c\n", ["Dockerfile", "a/b/c", "a/b/d", "a/e"], [".dockerignore", "Dockerfile", "a/b/c"]),
    ("**/b\n!a/b/c\n", ["Dockerfile", "a/b/c", "a/b/d", "b/c"], [".dockerignore", "Dockerfile", "a/", "a/b/c"]),
    ("\ufefftop.txt\n", ["Dockerfile", "top.txt", "x"], [".dockerignore", "Dockerfile", "x"]),
    ("../x\nx/..\n", ["Dockerfile", "x", "y"], [".dockerignore", "Dockerfile", "x", "y"]),
], ids=["parent_results", "star_then_nested_exception", "deep_exception", "dstar_exception", "bom", "dotdot"])
def test_walk_quirks_match_docker_cli(tmp_path, ignore, files, expected):
    stream, _ = make_context_tar(make_tree(tmp_path, files, ignore))
    assert entries(stream) == expected


@pytest.mark.parametrize(("ignore", "expected"), [
    ("[!a].txt\n", ["b.txt", "c.txt"]),  # `!` is not a negation inside a class: a.txt was left out by docker
    ("[^a].txt\n", ["a.txt"]),
    ("[ab].txt\n", ["c.txt"]),
    ("sp ace\n", ["a.txt", "b.txt", "c.txt"]),
])
def test_character_classes_match_docker_cli(tmp_path, ignore, expected):
    stream, _ = make_context_tar(make_tree(tmp_path, ["Dockerfile", "a.txt", "b.txt", "c.txt", "sp ace"], ignore))
    assert entries(stream) == [".dockerignore", "Dockerfile", *expected] + (["sp ace"] if "sp" not in ignore else [])
