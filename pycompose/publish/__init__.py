"""`publish`: a compose application as an OCI artifact in a registry (v2 `publish`, `internal/oci`).

    reference    REPOSITORY[:TAG] parsed and normalised as docker/distribution does
    sources      what the compose files say about env files, extends files and local includes (raw YAML, marks)
    checks       v2's refusals and the findings it asks about (build-only services, bind mounts, environment,
                 secrets)
    artifact     the layers, the config and the manifest, byte for byte as v2 writes them (pure)
    registry     a small OCI distribution client (stdlib http.client): blobs, manifests, auth challenges

The API (`pycompose.api.publish`) puts them together; nothing here prints.
"""
