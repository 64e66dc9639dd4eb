"""Babel extractor for the built-in scenarios: their title, description and source
section are shown to the user, so they are messages of the catalog like the code's
(babel.cfg names this as `scenario`; scripts/i18n.sh puts scripts/ on the path)."""

from __future__ import annotations

import yaml

FIELDS = (("title",), ("description",), ("source", "section"))


def extract(fileobj, keywords, comment_tags, options):
    """(line, funcname, message, comments) for each shown text of one scenario file."""
    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    for path in FIELDS:
        value = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip():
            yield 1, "_", value.strip(), [".".join(path)]  # as the loader keeps it
