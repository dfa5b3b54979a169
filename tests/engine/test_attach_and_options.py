"""Attached up (logs, --abort-on-container-exit, --exit-code-from) and runtime options really applied."""

from __future__ import annotations

import io

import docker
import pytest

from pycompose import api
from pycompose.events import CollectingSink
from pycompose.presentation.logview import AttachedOutput, LogFormatter

pytestmark = pytest.mark.docker


def svc(command: list[str], **extra) -> dict:
    return {"command": command, "entrypoint": None, "image": "busybox:latest", "init": True,
            "networks": {"default": None}, **extra}


def test_attached_up_streams_logs_and_returns_the_exit_code(make_project, project_name):
    loaded = make_project({"networks": {"default": {"ipam": {}}}, "services": {
        "job": svc(["sh", "-c", "echo working; sleep 1; exit 7"]),
        "server": svc(["sleep", "3600"]),
    }})
    api.up(loaded, sink=CollectingSink())
    out = io.StringIO()
    code = api.attach(loaded, exit_code_from="job", abort_on_exit=True, timeout=1,
                      view=AttachedOutput(LogFormatter(), out, out), sink=CollectingSink())
    assert code == 7
    assert "job-1     | working\n" in out.getvalue()
    assert "job-1 exited with code 7\n" in out.getvalue()
    assert {c.service: c.state for c in api.ps(loaded, all_containers=True)} == {"job": "exited", "server": "exited"}


def test_runtime_options_reach_the_container(make_project, project_name, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.txt").write_text("from the host\n")
    (tmp_path / "token.txt").write_text("s3cret\n")
    loaded = make_project({
        "networks": {"default": {"ipam": {}}},
        "services": {"app": svc(
            ["sleep", "3600"],
            cap_add=["NET_ADMIN"],
            environment={"GREETING": "hello"},
            extra_hosts=["db.example=10.1.2.3"],
            labels={"team": "core"},
            restart="unless-stopped",
            secrets=[{"source": "token"}],
            stop_signal="SIGTERM",
            tmpfs=["/scratch"],
            ulimits={"nofile": {"soft": 1024, "hard": 2048}},
            user="1000",
            volumes=[{"type": "bind", "source": str(tmp_path / "conf"), "target": "/conf",
                      "bind": {"create_host_path": True}}],
            working_dir="/conf",
        )},
        "secrets": {"token": {"name": f"{project_name}_token", "file": str(tmp_path / "token.txt")}},
    })
    api.up(loaded, sink=CollectingSink())
    client = docker.APIClient(version="auto")
    name = f"{project_name}-app-1"
    info = client.inspect_container(name)
    host = info["HostConfig"]
    assert host["RestartPolicy"]["Name"] == "unless-stopped" and host["CapAdd"] == ["CAP_NET_ADMIN"]
    assert host["ExtraHosts"] == ["db.example:10.1.2.3"] and "/scratch" in host["Tmpfs"]
    assert info["Config"]["Labels"]["team"] == "core" and info["Config"]["User"] == "1000"

    def run(*command: str) -> str:
        exec_id = client.exec_create(name, list(command))
        return client.exec_start(exec_id).decode().strip()

    assert run("cat", "app.txt") == "from the host"  # working_dir + bind mount
    assert run("cat", "/run/secrets/token") == "s3cret"
    assert run("sh", "-c", "echo $GREETING") == "hello"
    # the container's own process runs with the limits (an exec'd shell's soft limit varies with engine timing)
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    open_files = next(line for line in run("cat", "/proc/1/limits").splitlines() if line.startswith("Max open files"))
    assert open_files.split()[3:5] == ["1024", "2048"]
    assert "10.1.2.3" in run("cat", "/etc/hosts")


def test_links_give_an_alias_and_order(make_project, project_name):
    loaded = make_project({"networks": {"default": {"ipam": {}}}, "services": {
        "db": svc(["sleep", "3600"]),
        "web": svc(["sleep", "3600"], depends_on={"db": {"condition": "service_started", "restart": True,
                                                         "required": True}}, links=["db:database"]),
    }})
    api.up(loaded, sink=CollectingSink())
    client = docker.APIClient(version="auto")
    exec_id = client.exec_create(f"{project_name}-web-1", ["ping", "-c", "1", "-W", "2", "database"])
    client.exec_start(exec_id)
    assert client.exec_inspect(exec_id)["ExitCode"] == 0
