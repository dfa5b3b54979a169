"""The engine-side modules keep heavy imports inside functions (start-up time of every command)."""

from __future__ import annotations

import subprocess
import sys


def test_engine_modules_import_without_docker_networkx_jsonschema():
    code = (
        "import sys\n"
        "import pycompose.api, pycompose.executor, pycompose.graph, pycompose.bind, pycompose.planner.up\n"
        "import pycompose.planner.down, pycompose.planner.lifecycle, pycompose.engine.dockerpy\n"
        "import pycompose.cli.commands.up, pycompose.cli.commands.ps\n"
        "print(sorted(m for m in ('docker', 'networkx', 'jsonschema', 'requests') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
