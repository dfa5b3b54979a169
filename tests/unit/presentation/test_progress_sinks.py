"""Progress sinks: mode selection, plain/JSON/quiet lines, and the live TTY view rendered on a recording console."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from pycompose.errors import UsageError
from pycompose.events import Event
from pycompose.presentation.progress import JsonSink, QuietSink, open_sink, resolve_mode
from pycompose.presentation.progress_tty import TtySink


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("progress, ansi, environ, tty, expected", [
    (None, None, {}, True, "tty"),
    (None, None, {}, False, "plain"),
    ("auto", None, {}, True, "tty"),
    (None, None, {"COMPOSE_PROGRESS": "json"}, True, "json"),
    ("quiet", None, {"COMPOSE_PROGRESS": "json"}, True, "quiet"),
    ("none", None, {}, True, "quiet"),
    (None, "never", {}, True, "plain"),
    (None, None, {"COMPOSE_ANSI": "never"}, True, "plain"),
    (None, "always", {}, False, "tty"),
    ("json", "never", {}, True, "json"),
    (None, None, {"NO_COLOR": "1"}, True, "tty"),
])
def test_mode_as_v2_chooses_it(progress, ansi, environ, tty, expected):
    stream = Terminal() if tty else io.StringIO()
    assert resolve_mode(progress, ansi, stream, environ) == expected


@pytest.mark.parametrize("progress, ansi, message", [
    ("bogus", None, 'unsupported --progress value "bogus"'),
    ("tty", "never", "can't use --progress tty while ANSI support is disabled"),
    ("plain", "always", "can't use --progress plain while ANSI support is forced"),
    (None, "sometimes", 'invalid --ansi value "sometimes"'),
])
def test_contradictions_are_usage_errors(progress, ansi, message):
    with pytest.raises(UsageError, match=message):
        resolve_mode(progress, ansi, io.StringIO(), {})


def test_plain_lines_are_v2s_and_a_dry_run_is_prefixed():
    out = io.StringIO()
    with open_sink("plain", stream=out) as sink:
        sink.emit(Event("Container", "p-web-1", "Started"))
        sink.emit(Event("Container", "p-web-1", "Error", "port is already allocated"))
    with open_sink("plain", stream=out, dry_run=True) as sink:
        sink.emit(Event("Container", "p-web-1", "Recreate", "environment.DEBUG changed"))
    assert out.getvalue().splitlines() == [
        " Container p-web-1  Started",
        " Container p-web-1  Error: port is already allocated",
        " DRY-RUN MODE -  Container p-web-1  Recreate: environment.DEBUG changed",
    ]


def test_json_lines_carry_v2s_fields_first_and_ours_after():
    out = io.StringIO()
    sink = JsonSink(out, dry_run=True, clock=lambda: 0.0)
    sink.emit(Event("Container", "p-web-1", "Recreate", "environment.DEBUG changed"))
    sink.emit(Event("Network", "p_default", "Created"))
    sink.warn("Found orphan containers")
    first, second, warning = (json.loads(line) for line in out.getvalue().splitlines())
    assert list(first) == ["dry-run", "id", "text", "status", "resource", "name", "state", "time"]
    assert first == {"dry-run": True, "id": "Container p-web-1", "text": "environment.DEBUG changed",
                     "status": "Recreate", "resource": "Container", "name": "p-web-1", "state": "planned",
                     "time": "1970-01-01T00:00:00Z"}
    assert (second["id"], second["status"], second["state"], "text" in second) == \
        ("Network p_default", "Created", "done", False)
    assert warning == {"level": "warning", "msg": "Found orphan containers", "time": "1970-01-01T00:00:00Z"}


def test_quiet_prints_no_progress_but_still_warns():
    out = io.StringIO()
    sink = QuietSink(out)
    sink.emit(Event("Container", "p-web-1", "Started"))
    assert out.getvalue() == ""
    sink.warn("careful")
    assert "careful" in out.getvalue()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def recorded(events, *, advance=0.3, title="Running", interrupt=False) -> str:
    console = Console(record=True, force_terminal=True, width=70, file=io.StringIO())
    clock = Clock()
    sink = TtySink(console, title=title, clock=clock, live=False)
    for event in events:
        sink.emit(event)
        clock.now += advance
    if interrupt:
        sink.interrupt()
    console.print(sink.render())
    return console.export_text()


def test_live_view_has_a_header_and_a_line_per_resource_with_state_and_elapsed_time():
    text = recorded([
        Event("Container", "p-db-1", "Starting"),
        Event("Container", "p-web-1", "Creating"),
        Event("Container", "p-db-1", "Started"),
    ])
    lines = text.splitlines()
    assert lines[0].startswith("[+] Running 1/2")
    assert lines[1].startswith(" ✔ Container p-db-1   Started")
    assert lines[1].endswith("0.6s")
    assert lines[2].startswith(" ") and "Container p-web-1  Creating" in lines[2]
    assert lines[2].endswith("0.6s")  # still working: elapsed up to now


def test_live_view_marks_errors_and_interrupted_lines():
    text = recorded([
        Event("Container", "p-a-1", "Stopping"),
        Event("Container", "p-b-1", "Stopping"),
        Event("Container", "p-b-1", "Error", "boom"),
    ], title="Stopping", interrupt=True)
    assert "[+] Stopping 2/2" in text
    assert " ✘ Container p-b-1  Error: boom" in text
    assert " ! Container p-a-1  Interrupted" in text


def test_live_view_uses_colours_unless_told_not_to():
    for no_color, coloured in ((False, True), (True, False)):
        out = io.StringIO()
        console = Console(force_terminal=True, width=60, file=out, no_color=no_color)
        sink = TtySink(console, live=False)
        sink.emit(Event("Container", "p-a-1", "Started"))
        console.print(sink.render())
        assert ("\x1b[32m" in out.getvalue()) is coloured


def test_live_session_leaves_the_last_frame_and_the_cursor_on_error():
    out = Terminal()
    with pytest.raises(RuntimeError):
        with open_sink("tty", stream=out, environ={}) as sink:
            sink.emit(Event("Container", "p-a-1", "Stopping"))
            raise RuntimeError("engine went away")
    text = out.getvalue()
    assert "Container p-a-1  Interrupted" in re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert text.endswith("\x1b[?25h")  # cursor shown again


def test_plain_pull_and_build_lines_are_worded_as_v2_prints_them():
    from pycompose.presentation.plain import plain_line

    # measured with Compose v2.40.3 --progress plain: pulls name the service alone, with a trailing space
    assert plain_line(Event("Service", "web", "Pulling", named_alone=True)) == " web Pulling "
    assert plain_line(Event("Layer", "9ad63333ebc9", "Pull complete", named_alone=True)) \
        == " 9ad63333ebc9 Pull complete "
    assert plain_line(Event("Layer", "9ad63333ebc9", "Downloading", "[=====>  ]     112B/180B", named_alone=True)) \
        == " 9ad63333ebc9 Downloading [=====>  ]     112B/180B"
    assert plain_line(Event("Service", "web", "Skipped", "- Image is already present locally", named_alone=True)) \
        == " web Skipped - Image is already present locally "
    assert plain_line(Event("Service", "web", "Error", 'Get "https://r.example/v2/": no such host', named_alone=True)) \
        == ' web Error Get "https://r.example/v2/": no such host'  # the message is the status text: no space after
    # the classic builder's output is printed as it comes, between `Building` and `Built`
    assert plain_line(Event("Service", "app", "Building")) == " Service app  Building"
    assert plain_line(Event("Service", "app", "Building", "Step 1/3 : FROM busybox:latest")) == \
        "Step 1/3 : FROM busybox:latest"
    assert plain_line(Event("Service", "app", "Built")) == " Service app  Built"
    assert Event("Service", "web", "Pulled", named_alone=True).id == "web"
