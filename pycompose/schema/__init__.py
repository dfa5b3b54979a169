"""pycompose's own JSON schema of the compose-spec (read with importlib.resources)."""
