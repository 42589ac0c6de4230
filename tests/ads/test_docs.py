"""The examples in the analytic engines' docstrings run and say what they show."""

import doctest
import importlib
import pkgutil

import pytest

import fener.analytics

MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(fener.analytics.__path__, "fener.analytics.")
    if not module.name.startswith("fener.analytics.engines.spark")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
