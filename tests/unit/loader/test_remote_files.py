"""`-f oci://…`: the file is fetched through `ProjectOptions.fetch_remote`; as in v2, paths in it are relative to
where it was fetched to, while the default project name and `.env` come from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.options import ProjectOptions
from pycompose.loader.project import load_project


def _fetched(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    cache = tmp_path / "cache" / "0123abcd"
    cache.mkdir(parents=True)
    (cache / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: [app.env]\n"
                                        "    environment:\n      FROM_DOTENV: ${DOTENV_VALUE}\n")
    (cache / "app.env").write_text("A=1\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".env").write_text("DOTENV_VALUE=from-cwd\n")
    return cache, work, []


def test_a_remote_file_is_read_where_it_was_fetched_and_named_after_the_working_directory(tmp_path):
    cache, work, asked = _fetched(tmp_path)

    def fetch(url: str) -> str:
        asked.append(url)
        return str(cache / "compose.yaml")

    loaded = load_project(ProjectOptions(files=("oci://registry.example/app:1",), working_directory=str(work),
                                         fetch_remote=fetch))
    assert asked == ["oci://registry.example/app:1"]
    assert loaded.working_dir == str(cache)
    assert loaded.name == "work"
    assert loaded.config["services"]["web"]["environment"] == {"A": "1", "FROM_DOTENV": "from-cwd"}
    assert loaded.config_files == (str(cache / "compose.yaml"),)


def test_without_a_fetcher_a_remote_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="oci://x/y: remote compose files are not supported here"):
        load_project(ProjectOptions(files=("oci://x/y",), working_directory=str(tmp_path)))
