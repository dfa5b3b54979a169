"""Test helpers built on `pycompose.api`: the pytest plugin lives in `pycompose.testing.plugin`."""
