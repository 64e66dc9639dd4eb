"""numpy, imported when first used.

The operations and the scenario checks are imported by every command, but only the
commands that compute need numpy (its import costs more than `tutor list` itself).
Their modules read numpy through `numpy` here: the first attribute read imports it,
and each attribute read is then kept on the stand-in, so a later read costs what
reading a module's attribute costs.
"""

from __future__ import annotations

import importlib


class LazyModule:
    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):  # only for what is not kept yet
        value = getattr(importlib.import_module(self._name), attr)
        object.__setattr__(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<{self._name}, imported when first used>"


numpy = LazyModule("numpy")
