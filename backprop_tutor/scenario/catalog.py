"""Finding scenarios: the built-in ones by name, any other by its path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..i18n import _
from .errors import ScenarioError

SUFFIXES = (".yaml", ".yml")


@lru_cache(maxsize=1)
def builtin_dir() -> Path:
    """The built-in scenarios: inside the installed package, or the checkout's scenarios/
    (found once: `tutor list` asks for each of its files)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "scenarios"
    if installed.is_dir():
        return installed
    return package.parent / "scenarios"


def builtin_names() -> list[str]:
    folder = builtin_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix in SUFFIXES)


def resolve(name_or_path: str) -> Path:
    """The file of a built-in scenario name, or the given path if it is a file."""
    candidate = Path(name_or_path)
    try:
        is_file, is_dir, exists = candidate.is_file(), candidate.is_dir(), candidate.exists()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise ScenarioError(name_or_path[:80] + ("..." if len(name_or_path) > 80 else ""), "",
                            _("cannot use this path ({value}); give the path of a scenario .yaml file, or "
                              "a built-in name").format(
                                value=getattr(exc, 'strerror', None) or exc)) from None
    if is_file:
        return candidate
    if is_dir:
        raise ScenarioError(name_or_path, "", _("this is a folder; give the path of a scenario .yaml file "
                                                "(or a built-in name: see tutor list)"))
    if exists:
        raise ScenarioError(name_or_path, "", _("this is not a regular file (a device, a pipe or a "
                                                "socket); give the path of a scenario .yaml file (or a "
                                                "built-in name: see tutor list)"))
    for suffix in SUFFIXES:
        builtin = builtin_dir() / f"{name_or_path}{suffix}"
        if builtin.is_file():
            return builtin
    names = ", ".join(builtin_names()) or _("(none found)")
    if candidate.suffix in SUFFIXES or "/" in name_or_path:
        message = _("no such file; give the path of a scenario .yaml file, or a built-in name: {names}").format(
            names=names)
    else:
        message = _("no built-in scenario of that name; built-in: {names}; or give the path of a .yaml file").format(
            names=names)
    raise ScenarioError(name_or_path, "", message)


def summary(path: Path) -> dict:
    """The raw fields of a built-in file without validating it (for `tutor list`), read back
    from the cache when the file's bytes are the ones read before (YAML is not imported)."""
    import json

    from .. import cache

    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    entry_key = cache.key("summary", cache.blake2b(raw, digest_size=20).hexdigest())
    kept = cache.read("summary", entry_key)
    if kept is not None and isinstance(kept.get("fields"), dict):
        return kept["fields"]
    data = _fields(raw)
    try:  # kept only when JSON gives back exactly what YAML read
        if json.loads(json.dumps(data)) == data:
            cache.write("summary", entry_key, {"fields": data})
    except (TypeError, ValueError, RecursionError):
        pass
    return data


def _fields(raw: bytes) -> dict:
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}
