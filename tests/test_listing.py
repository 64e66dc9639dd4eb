"""`tutor list` from the shipped index of the built-in scenarios (scenario/listing.py): the
index is the one the files make, it holds what the list shows, and a file whose bytes changed
is read again."""

from __future__ import annotations

import json
import shutil

import pytest

from backprop_tutor.cli import light
from backprop_tutor.scenario import catalog, listing


def test_the_shipped_index_is_the_one_the_built_in_files_make():
    folder = catalog.builtin_dir()
    shipped = json.loads((folder / listing.INDEX).read_text(encoding="utf-8"))
    assert shipped == listing.make_index(folder), "run: python scripts/index_builtins.py"
    assert sorted(name[:-5] for name in shipped["files"]) == catalog.builtin_names()


@pytest.mark.parametrize("name", catalog.builtin_names())
def test_the_list_fields_are_all_the_list_reads(name):
    raw = catalog.summary(catalog.resolve(name))
    fields = listing.list_fields(raw)
    assert light._list_row(name, fields) == light._list_row(name, raw)
    assert light._document(fields) == light._document(raw)
    assert listing.listed(catalog.resolve(name)) == fields


def test_odd_fields_are_kept_as_the_list_reads_them():
    raw = {"title": 3, "network": {"inputs": "x", "layers": [5, {"units": 2, "activation": {"beta": 1}},
                                                             {"type": "dropout", "extra": 1}]},
           "loss": {"weights": 1}, "source": "a document", "parameters": {"W1": [[1]]}}
    fields = listing.list_fields(raw)
    assert "parameters" not in fields and fields["loss"] == {}
    assert light._list_row("odd", fields) == light._list_row("odd", raw)


def test_a_built_in_file_that_changed_is_read_again(tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    shutil.copytree(catalog.builtin_dir(), folder)
    path = folder / "logistic-4x2.yaml"
    monkeypatch.setattr(catalog, "builtin_dir", lambda: folder)
    monkeypatch.setenv("TUTOR_CACHE", "off")
    indexed = listing.listed(path)
    path.write_text(path.read_text(encoding="utf-8").replace("title: \"", "title: \"Changed: ", 1), encoding="utf-8")
    assert listing.listed(path)["title"] == "Changed: " + indexed["title"]


def test_the_list_is_the_same_with_or_without_the_index(monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_CACHE", "off")
    monkeypatch.setenv("COLUMNS", "100")
    light.list_scenarios()
    indexed = capsys.readouterr().out
    monkeypatch.setattr(listing, "_index", lambda: {})
    light.list_scenarios()
    assert capsys.readouterr().out == indexed and "logistic-4x2" in indexed
