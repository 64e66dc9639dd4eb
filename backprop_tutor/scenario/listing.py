"""What `tutor list` shows of a scenario file, and the index of the built-in ones.

`tutor list` shows a file's name, title, network (its inputs and each layer's units and
activation), loss and source document: `list_fields` keeps just those of the file's raw
fields. The built-in files' are shipped in scenarios/index.json (written by
scripts/index_builtins.py, checked by tests/test_listing.py), each under its file's digest:
a file whose bytes are the ones indexed is listed from the index, without YAML or the
cache, and any other file (changed, added, unindexed) is read as before (catalog.summary).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from . import catalog
from .limits import MAX_LIST_ROWS

INDEX = "index.json"
FORMAT = 1


def digest(raw: bytes) -> str:
    from ..cache import blake2b

    return blake2b(raw, digest_size=20).hexdigest()


def list_fields(raw: dict) -> dict:
    """The raw fields `tutor list` reads (cli/light.py), as they are, and nothing else."""
    out: dict = {}
    if "title" in raw:
        out["title"] = raw["title"]
    net = raw.get("network")
    if isinstance(net, dict):
        out["network"] = {key: net[key] for key in ("inputs",) if key in net}
        layers = net.get("layers")
        if isinstance(layers, list):
            out["network"]["layers"] = [_layer(layer) for layer in layers[:MAX_LIST_ROWS]]
    for name, inner in (("loss", "type"), ("source", "document")):
        value = raw.get(name)
        if isinstance(value, dict):
            out[name] = {inner: value[inner]} if inner in value else {}
        elif name in raw:
            out[name] = value
    return out


def _layer(layer):
    if not isinstance(layer, dict):
        return None
    out = {key: layer[key] for key in ("units", "type") if key in layer}
    act = layer.get("activation")
    if isinstance(act, dict):
        out["activation"] = {"name": act["name"]} if "name" in act else {}
    elif "activation" in layer:
        out["activation"] = act
    return out


def listed(path: Path) -> dict:
    """`list_fields` of a scenario file: from the shipped index when the file is a built-in
    one whose bytes are those indexed, else from the file itself."""
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    entry = _index().get(path.name) if path.parent == catalog.builtin_dir() else None
    if isinstance(entry, dict) and entry.get("digest") == digest(raw) and isinstance(entry.get("fields"), dict):
        return entry["fields"]
    return list_fields(catalog.summary(path))


@lru_cache(maxsize=1)
def _index() -> dict:
    try:
        data = json.loads((catalog.builtin_dir() / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return files if isinstance(files, dict) else {}


def make_index(folder: Path) -> dict:
    """The index of the scenario files in `folder`: each file's digest and list fields (a file
    whose fields JSON would not give back exactly is left out, and read when listed)."""
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in catalog.SUFFIXES:
            continue
        raw = path.read_bytes()
        fields = list_fields(catalog._fields(raw))
        try:
            same = json.loads(json.dumps(fields)) == fields
        except (TypeError, ValueError):
            same = False
        if same:
            files[path.name] = {"digest": digest(raw), "fields": fields}
    return {"format": FORMAT, "files": files}
