"""The adapter maps docker-py's and requests' exceptions to ours by type and HTTP status, in one place; anything
else is a bug and passes through untouched."""

from __future__ import annotations

import docker.errors
import pytest
import requests

from pycompose.engine.context import EngineEndpoint
from pycompose.engine.dockerpy import DockerEngine
from pycompose.errors import EngineError, EngineUnreachable, InUse, NotFound


class Response:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.url = "http://engine/x"
        self.reason = "reason"


def api_error(status: int, explanation: str = "the engine's words") -> docker.errors.APIError:
    cls = docker.errors.NotFound if status == 404 else docker.errors.APIError
    return cls("message", response=Response(status), explanation=explanation)


@pytest.fixture
def engine() -> DockerEngine:
    return DockerEngine(EngineEndpoint(host="unix:///nowhere.sock"))


def raised(engine: DockerEngine, error: BaseException, **options) -> BaseException:
    with pytest.raises(BaseException) as caught:
        with engine._errors(**options):
            raise error
    return caught.value


@pytest.mark.parametrize("status, options, expected", [
    (404, {}, NotFound),
    (409, {}, EngineError),
    (409, {"in_use": True}, InUse),
    (403, {"in_use": True}, InUse),
    (500, {"in_use": True}, EngineError),
    (500, {}, EngineError),
])
def test_engine_answers_map_by_status(engine, status, options, expected):
    error = raised(engine, api_error(status), **options)
    assert type(error) is expected
    assert str(error) == "Error response from daemon: the engine's words"


def test_a_not_found_message_can_name_the_object(engine):
    assert str(raised(engine, api_error(404), not_found="No such container: x")) == "No such container: x"
    assert str(raised(engine, api_error(500), not_found="No such container: x")).startswith("Error response")


def test_no_answer_is_unreachable_and_a_timeout_an_engine_error(engine):
    unreachable = raised(engine, requests.exceptions.ConnectionError("refused"))
    assert type(unreachable) is EngineUnreachable
    assert str(unreachable) == (
        "Cannot connect to the Docker daemon at unix:///nowhere.sock. Is the docker daemon running?")
    assert type(raised(engine, requests.exceptions.ReadTimeout("slow"))) is EngineError


@pytest.mark.parametrize("bug", [KeyError("Id"), TypeError("bad call"), docker.errors.NullResource("no id")])
def test_a_bug_is_not_turned_into_an_engine_error(engine, bug):
    assert raised(engine, bug) is bug


def test_a_client_that_cannot_reach_the_engine_is_unreachable(engine, monkeypatch):
    def refuse(**kwargs):
        try:
            raise requests.exceptions.ConnectionError("refused")
        except requests.exceptions.ConnectionError as cause:
            raise docker.errors.DockerException(f"Error while fetching server API version: {cause}") from cause

    monkeypatch.setattr(docker, "APIClient", refuse)
    with pytest.raises(EngineUnreachable):
        engine.observe("p")


def test_removing_an_image_in_use_or_absent_answers_false(engine, monkeypatch):
    class Client:
        def __init__(self, status: int) -> None:
            self.status = status

        def remove_image(self, reference):
            raise api_error(self.status)

    for status in (404, 409):
        engine._client = Client(status)
        assert engine.remove_image("busybox") is False
    engine._client = Client(500)
    with pytest.raises(EngineError):
        engine.remove_image("busybox")
