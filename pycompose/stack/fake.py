"""An in-memory swarm for unit tests of `pycompose.stack` (the `SwarmEngine` methods, no engine).

Like `pycompose.engine.fake.FakeEngine`: objects live in dicts, every changing call is recorded in `calls`, and a
test scripts what the swarm would do: `task_states` (service name → the state and error its tasks report),
`registry` (image → digest a registry answers with), `manager` (False: not a swarm manager).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any

from pycompose.errors import EngineError, InUse, NotFound

NAMESPACE_LABEL = "com.docker.stack.namespace"


class FakeSwarm:
    def __init__(self) -> None:
        self.manager = True
        self.services_by_id: dict[str, dict[str, Any]] = {}
        self.networks_by_id: dict[str, dict[str, Any]] = {}
        self.objects: dict[str, dict[str, dict[str, Any]]] = {"config": {}, "secret": {}}
        self.task_states: dict[str, tuple[str, str]] = {}
        self.registry: dict[str, str] = {}
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(1)
        self._version = itertools.count(10)
        self.nodes_list = [{"ID": "node1", "Description": {"Hostname": "fake-node"}, "Status": {"State": "ready"}}]

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    @staticmethod
    def _in(stack: str | None, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return NAMESPACE_LABEL in labels if stack is None else labels.get(NAMESPACE_LABEL) == stack

    # reads ---------------------------------------------------------------------------------------------------

    def require_manager(self) -> None:
        if not self.manager:
            raise EngineError("this node is not a swarm manager.")

    def nodes(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.nodes_list)

    def services(self, stack: str | None) -> list[dict[str, Any]]:
        return [copy.deepcopy(s) for s in self.services_by_id.values() if self._in(stack, s["Spec"].get("Labels"))]

    def networks(self, stack: str | None) -> list[dict[str, Any]]:
        return [copy.deepcopy(n) for n in self.networks_by_id.values() if self._in(stack, n.get("Labels"))]

    def configs(self, stack: str | None) -> list[dict[str, Any]]:
        return [copy.deepcopy(o) for o in self.objects["config"].values() if self._in(stack, o["Spec"].get("Labels"))]

    def secrets(self, stack: str | None) -> list[dict[str, Any]]:
        return [copy.deepcopy(o) for o in self.objects["secret"].values() if self._in(stack, o["Spec"].get("Labels"))]

    def tasks(self, stack: str | None = None, service_ids: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        out = []
        for service in self.services_by_id.values():
            if service_ids and service["ID"] not in service_ids:
                continue
            if not service_ids and not self._in(stack, service["Spec"].get("Labels")):
                continue
            mode = service["Spec"].get("Mode") or {}
            count = int(mode["Replicated"].get("Replicas", 1)) if "Replicated" in mode else 1
            state, err = self.task_states.get(service["Spec"]["Name"], ("running", ""))
            for slot in range(1, count + 1):
                out.append({"ID": f"{service['ID']}-t{slot}", "ServiceID": service["ID"], "Slot": slot,
                            "NodeID": "node1", "DesiredState": "running",
                            "Status": {"State": state, "Err": err},
                            "Spec": copy.deepcopy(service["Spec"]["TaskTemplate"])})
        return out

    def inspect_network(self, name: str) -> dict[str, Any] | None:
        return next((copy.deepcopy(n) for n in self.networks_by_id.values() if n["Name"] == name), None)

    def find_object(self, kind: str, name: str) -> dict[str, Any] | None:
        return next((copy.deepcopy(o) for o in self.objects[kind].values() if o["Spec"]["Name"] == name), None)

    def distribution(self, image: str) -> dict[str, Any] | None:
        digest = self.registry.get(image)
        return {"Descriptor": {"digest": digest}} if digest else None

    def registry_auth(self, image: str) -> str | None:
        return None

    # changes -------------------------------------------------------------------------------------------------

    def add_network(self, name: str, *, scope: str = "swarm", labels: Mapping[str, str] | None = None) -> str:
        """A network made outside the stack (an `external:` one, or a stranger's)."""
        network_id = self._id("net")
        self.networks_by_id[network_id] = {"Id": network_id, "Name": name, "Scope": scope, "Driver": "overlay",
                                           "Labels": dict(labels or {})}
        return network_id

    def create_network(self, name: str, spec: Mapping[str, Any]) -> str:
        self.calls.append(("create_network", name))
        if any(n["Name"] == name for n in self.networks_by_id.values()):
            raise EngineError(f"network with name {name} already exists")
        network_id = self.add_network(name, labels=spec.get("Labels"))
        self.networks_by_id[network_id].update({k: v for k, v in spec.items() if k != "Labels"})
        return network_id

    def remove_network(self, network_id: str) -> None:
        self.calls.append(("remove_network", network_id))
        if any(n.get("Target") == network_id for s in self.services_by_id.values()
               for n in s["Spec"]["TaskTemplate"].get("Networks") or []):
            raise InUse(f"network {network_id} is in use")
        if self.networks_by_id.pop(network_id, None) is None:
            raise NotFound(f"network {network_id} not found")

    def create_object(self, kind: str, spec: Mapping[str, Any]) -> str:
        self.calls.append((f"create_{kind}", spec["Name"]))
        if self.find_object(kind, spec["Name"]):
            raise EngineError(f"{kind} {spec['Name']} already exists")
        object_id = self._id(kind)
        self.objects[kind][object_id] = {"ID": object_id, "Version": {"Index": next(self._version)},
                                         "Spec": {k: v for k, v in spec.items() if not (kind == "secret"
                                                                                        and k == "Data")}}
        return object_id

    def update_object(self, kind: str, object_id: str, version: int, spec: Mapping[str, Any]) -> None:
        self.calls.append((f"update_{kind}", spec["Name"]))
        current = self.objects[kind][object_id]
        if kind == "config" and current["Spec"].get("Data") != spec.get("Data"):
            raise EngineError("only updates to Labels are allowed")
        current["Spec"]["Labels"] = dict(spec.get("Labels") or {})
        current["Version"] = {"Index": next(self._version)}

    def remove_object(self, kind: str, object_id: str) -> None:
        self.calls.append((f"remove_{kind}", object_id))
        if self.objects[kind].pop(object_id, None) is None:
            raise NotFound(f"{kind} {object_id} not found")

    def _stored(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The spec as the engine keeps it: networks by ID, engine defaults filled in."""
        stored = copy.deepcopy(dict(spec))
        by_name = {n["Name"]: n["Id"] for n in self.networks_by_id.values()}
        for net in stored["TaskTemplate"].get("Networks") or []:
            if net["Target"] not in by_name:
                raise NotFound(f"network {net['Target']} not found")
            net["Target"] = by_name[net["Target"]]
        stored["TaskTemplate"].setdefault("ForceUpdate", 0)
        stored["TaskTemplate"].setdefault("Runtime", "container")
        stored["TaskTemplate"]["ContainerSpec"].setdefault("Isolation", "default")
        stored.setdefault("EndpointSpec", {}).setdefault("Mode", "vip")
        replicated = (stored.get("Mode") or {}).get("Replicated")
        if replicated is not None:
            replicated.setdefault("Replicas", 1)
        return stored

    def create_service(self, spec: Mapping[str, Any], registry_auth: str | None = None) -> str:
        self.calls.append(("create_service", spec["Name"]))
        if any(s["Spec"]["Name"] == spec["Name"] for s in self.services_by_id.values()):
            raise EngineError(f"rpc error: code = AlreadyExists desc = name conflicts with an existing object: "
                              f"service {spec['Name']} already exists")
        service_id = self._id("svc")
        self.services_by_id[service_id] = {"ID": service_id, "Version": {"Index": next(self._version)},
                                           "Spec": self._stored(spec)}
        return service_id

    def update_service(self, service_id: str, version: int, spec: Mapping[str, Any],
                       registry_auth: str | None = None) -> list[str]:
        self.calls.append(("update_service", spec["Name"]))
        service = self.services_by_id[service_id]
        if service["Version"]["Index"] != version:
            raise EngineError("rpc error: code = Unknown desc = update out of sequence")
        service["Spec"] = self._stored(spec)
        service["Version"] = {"Index": next(self._version)}
        return []

    def remove_service(self, service_id: str) -> None:
        self.calls.append(("remove_service", service_id))
        if self.services_by_id.pop(service_id, None) is None:
            raise NotFound(f"service {service_id} not found")
