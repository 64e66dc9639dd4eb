"""Scenario loading and validation. Stands apart from the engine: it hands the
engine a validated Scenario, or raises ScenarioError with file, line and field."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from . import catalog, limits
from .errors import ScenarioError

if TYPE_CHECKING:
    from .model import Scenario

__all__ = ["ScenarioError", "Scenario", "Layer", "Notation", "Training", "load", "load_file", "catalog"]


def __getattr__(name: str):
    """The validated scenario's types, imported when first asked for: finding and listing
    scenarios (catalog, limits, errors) needs neither the operations nor numpy."""
    if name in ("Layer", "Notation", "Scenario", "Training"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_file(path: str | Path, settings: list[str] | None = None, up_close: bool = False,
              arrays: bool = True, trainable: bool = False) -> Scenario:
    """Load and validate a scenario file. `up_close` applies the file's own `run:` overrides
    (what `tutor run` and `tutor explain` show: e.g. a smaller batch, narrower layers);
    --set options are applied after them, so they win. `arrays` False: checked only, the
    tables left as read and nothing drawn (`tutor validate`, which runs nothing).
    `trainable`: it is read to be trained, so its network must fit the training memory
    budget (checked before anything is drawn)."""
    from . import overrides
    from .validate import validate
    from .yamlsource import decode, load_text, too_big
    path = Path(path)
    shown = str(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limits.MAX_FILE_BYTES:
                raise ScenarioError(f"{shown}:1", "", too_big(size))
            raw = f.read(limits.MAX_FILE_BYTES + 1)  # a file still growing is cut here
    except OSError as exc:
        raise ScenarioError(shown, "", _("cannot read the file ({value})").format(value=exc.strerror or exc)) from None
    if len(raw) > limits.MAX_FILE_BYTES:
        raise ScenarioError(f"{shown}:1", "", too_big(len(raw)))
    text = decode(raw, shown)
    source = _fresh(text, shown, trainable)
    # whether `tutor run` would see another scenario (validate checks that one only then)
    run_section = isinstance(source.data, dict) and "run" in source.data
    try:
        changes = overrides.planned(source, settings or [], up_close)
        overrides.apply_changes(source, changes)
        try:
            model = validate(source, arrays)
        except ScenarioError as err:
            if not changes:
                raise
            raise overrides.blame(err, lambda: _fresh(text, shown, trainable), changes, validate) from None
    except ScenarioError as err:
        err.run_section = run_section
        raise
    model.run_section = run_section
    return model


def _fresh(text: str, shown: str, trainable: bool):
    """The file's Source again, read for the same purpose."""
    from .yamlsource import load_text

    source = load_text(text, shown)
    source.for_training = trainable
    return source


def load(name_or_path: str, settings: list[str] | None = None, up_close: bool = False,
         trainable: bool = False) -> Scenario:
    """A built-in scenario by name, or a scenario file by path, validated."""
    return load_file(catalog.resolve(name_or_path), settings, up_close, trainable=trainable)
