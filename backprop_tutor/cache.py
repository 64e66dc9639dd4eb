"""Printed formulas kept between runs, in the user's cache directory.

Deriving and printing a scenario's formulas with sympy takes longer than everything
else `tutor run` and `tutor explain` do; when nothing new must be derived the printed
text is read back instead. An entry is one JSON file named by a key made of

- the tutor's version and a fingerprint of its code (the size and time of every module),
  sympy's version and Python's: a new tutor or sympy never reads an old entry;
- what the command was given: the scenario file's bytes, its options;
- a digest of every number the engine computed for it on this call (see `numbers`): the
  numbers are computed on every call and a printed line that shows them is reused only
  when they are the same to the last bit.

An entry is written whole or not at all (a temporary file renamed over it), with a digest
of its data; one that cannot be read or does not match its digest (deleted, cut short,
changed) is ignored and written again. It holds data only: text, lists of text, and (for
explain) the value the derived formulas gave, each float as its exact hexadecimal text.
Nothing read from an entry is ever run as code (no pickle, no eval, no compiled source).

TUTOR_CACHE_DIR=PATH puts the entries in PATH; TUTOR_CACHE=off turns the cache off.
"""

from __future__ import annotations

import json
import os
import sys
from functools import lru_cache
from pathlib import Path

from . import __version__

try:  # BLAKE2 without loading OpenSSL (hashlib imports it first: 2 ms of a light command's start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

FORMAT = 2  # 2: explain keeps the derived value as data, no formula source


def directory() -> Path | None:
    """Where entries live, or None when the cache is off."""
    if os.environ.get("TUTOR_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    given = os.environ.get("TUTOR_CACHE_DIR")
    if given:
        return Path(given)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - a dependency; without it, no cache
        return None
    return Path(user_cache_dir("backprop-tutor", appauthor=False))


@lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """The tutor's modules (name, size, modification time) and sympy's version: printed text
    depends on both, so a changed module or another sympy gives other keys."""
    h = blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.mo")]):  # the code and its catalogs
        st = path.stat()
        h.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    try:
        from importlib.util import find_spec

        spec = find_spec("sympy")
        release = Path(spec.origin).parent / "release.py" if spec and spec.origin else None
        h.update(release.read_bytes() if release else b"no sympy")
    except (OSError, ImportError, ValueError):
        h.update(b"sympy unknown")
    return h.hexdigest()


def key(*parts) -> str:
    """The key of an entry: the tutor, sympy, Python, the language its prose is in (the
    printed text holds headings and sentences), and the given parts (JSON-able)."""
    from .i18n import language

    h = blake2b(digest_size=20)
    h.update(json.dumps([FORMAT, __version__, _code_fingerprint(), list(sys.version_info[:2]), language(), parts],
                        sort_keys=True, default=str).encode())
    return h.hexdigest()


def file_digest(path) -> str:
    """A scenario file's bytes, as a digest (a file that cannot be read has none)."""
    try:
        return blake2b(Path(path).read_bytes(), digest_size=20).hexdigest()
    except OSError:
        return "unreadable"


def numbers(values) -> str:
    """A digest of numbers: arrays to the last bit (with their type and shape), floats and
    ints exactly, texts, and lists and mappings of them.

    An array's bytes are hashed once however often the records hold it (a step's output is
    the next step's input), read in place (no copy), with XXH3-128 (xxhash: 8 times
    SHA-256's speed; SHA-256 where xxhash is missing): the slides' 4096-wide demo holds
    about 2 GB of numbers, 0.8 GB of them distinct."""
    h = blake2b(digest_size=20)
    _feed(h, values, {})
    return h.hexdigest()


def _feed(h, value, seen: dict, depth: int = 0) -> None:
    import numpy as np

    if depth > 8:  # deeper than any record nests
        h.update(b"...")
    elif isinstance(value, np.ndarray) or isinstance(value, np.generic):
        h.update(_array_digest(value, seen))
    elif isinstance(value, dict):
        h.update(b"{")
        for k, v in value.items():
            _feed(h, k, seen, depth + 1)
            _feed(h, v, seen, depth + 1)
        h.update(b"}")
    elif isinstance(value, (list, tuple)):
        h.update(b"[")
        for v in value:
            _feed(h, v, seen, depth + 1)
        h.update(b"]")
    elif isinstance(value, float):
        h.update(f"f{value.hex()}".encode())
    elif value is None or isinstance(value, (bool, int, str)):
        h.update(f"{type(value).__name__}:{value!r}".encode())
    else:  # an object (an operation): its kind and its settings
        h.update(f"o{type(value).__module__}.{type(value).__qualname__}".encode())
        _feed(h, dict(getattr(value, "__dict__", {})), seen, depth + 1)


def _array_digest(value, seen: dict) -> bytes:
    """An array's type, shape and every byte, as a digest; `seen` holds those of the arrays
    already hashed in this key (by identity: the arrays stay alive while the key is made)."""
    import numpy as np

    found = seen.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    a = np.ascontiguousarray(value)
    d = _bulk_hash()
    d.update(f"a{a.dtype.str}{a.shape}".encode())
    d.update(memoryview(a.reshape(-1)).cast("B") if a.size and a.dtype.kind in "biufc" else a.tobytes())
    seen[id(value)] = (value, d.digest())
    return seen[id(value)][1]


def _bulk_hash():
    """A fresh hash for an array's bytes: XXH3-128 (a fast, well-mixed 128-bit hash; a key is
    a local file name, not a secret), or SHA-256 without xxhash (then another key: a miss)."""
    try:
        import xxhash
    except ImportError:  # pragma: no cover - a dependency
        import hashlib

        return hashlib.sha256(b"sha256:")
    return xxhash.xxh3_128()


def _path(kind: str, entry_key: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / f"{kind}-{entry_key}.json"


def read(kind: str, entry_key: str) -> dict | None:
    """The entry under this key, or None (none yet, the cache off, or an entry that cannot
    be read: it is then written again)."""
    path = _path(kind, entry_key)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    except TypeError:  # pragma: no cover - json gives only plain data
        return None
    if not isinstance(data, dict) or data.get("key") != entry_key or not isinstance(data.get("data"), dict):
        return None
    if data.get("seal") != seal(data["data"]):  # changed since it was written: not what was kept
        return None
    return data["data"]


def seal(data) -> str:
    """A digest of an entry's data, written beside it: a damaged entry does not match it."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def write(kind: str, entry_key: str, data: dict) -> None:
    """Keep an entry: written to a temporary file and renamed over the old one, so that a
    reader finds the whole entry or none. A cache that cannot be written is skipped."""
    path = _path(kind, entry_key)
    if path is None:
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a name of its own, created here or not at all (as tempfile.mkstemp, without importing it)
        tmp = path.parent / f".tmp-{os.getpid()}-{os.urandom(8).hex()}.json"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"key": entry_key, "seal": seal(data), "data": data}, f, ensure_ascii=False)
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError, TypeError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
