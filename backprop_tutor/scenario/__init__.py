"""Scenario loading and validation. Stands apart from the engine: it hands the
engine a validated Scenario, or raises ScenarioError with file, line and field."""

from __future__ import annotations

from pathlib import Path

from . import catalog, overrides
from .errors import ScenarioError
from .model import Layer, Notation, Scenario, Training
from .validate import validate
from .yamlsource import Source, load_text

__all__ = ["ScenarioError", "Scenario", "Layer", "Notation", "Training", "load", "load_file", "catalog"]


def load_file(path: str | Path, settings: list[str] | None = None, up_close: bool = False) -> Scenario:
    """Load and validate a scenario file. `up_close` applies the file's own `run:` overrides
    (what `tutor run` and `tutor explain` show: e.g. a smaller batch, narrower layers);
    --set options are applied after them, so they win."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"{shown}:1", "", "the file is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ScenarioError(shown, "", f"cannot read the file ({exc.strerror or exc})") from None
    source = load_text(text, shown)
    if up_close:
        overrides.apply_run_section(source)
    overrides.apply(source, settings or [])
    return validate(source)


def load(name_or_path: str, settings: list[str] | None = None, up_close: bool = False) -> Scenario:
    """A built-in scenario by name, or a scenario file by path, validated."""
    return load_file(catalog.resolve(name_or_path), settings, up_close)
