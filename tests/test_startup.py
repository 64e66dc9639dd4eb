"""Starting fast: the light commands import neither numpy nor sympy, and the printed
formulas read back from the cache give the same output, byte for byte, as without it,
whatever happened to the cache in between (deleted, cut short, edited). No timing here:
benchmarks/startup.py measures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.scenario import catalog

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BUILTINS = catalog.builtin_names()

#: runs `tutor ARGS` in this process, then writes which of the heavy modules it imported
PROBE = """
import json, sys
from backprop_tutor.cli import main
sys.argv = ["tutor"] + json.loads(sys.argv[1])
try:
    main()
except SystemExit as done:
    code = done.code
heavy = ("numpy", "sympy", "typer", "pydantic")
sys.stderr.write("\\nIMPORTED " + json.dumps({"code": code, "modules": [m for m in heavy if m in sys.modules]}))
"""


def imported(args: list[str], **env) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})
    return json.loads(done.stderr.rpartition("IMPORTED ")[2])


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list"],
                                  ["validate", str(SCENARIOS / "logistic-4x2.yaml")]], ids=" ".join)
def test_light_commands_import_neither_numpy_nor_sympy(args):
    found = imported(args)
    assert found["code"] in (0, None)
    assert "numpy" not in found["modules"] and "sympy" not in found["modules"], found
    if args == ["--version"]:  # answered before the command line starts
        assert "typer" not in found["modules"], found


def test_validate_still_reports_a_mistake_without_numpy(tmp_path):
    path = tmp_path / "bad.yaml"
    text = (SCENARIOS / "logistic-4x2.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("learning_rate: 0.1", "learning_rate: -1").replace("units: 3", "units: 0"),
                    encoding="utf-8")
    found = imported(["validate", str(path)])
    assert found["code"] == 2 and "numpy" not in found["modules"]


@pytest.mark.parametrize("args", [["run", "logistic-4x2"], ["explain", "dL/dW1", "-s", "logistic-4x2"]],
                         ids=" ".join)
def test_a_warm_run_or_explain_imports_no_sympy(tmp_path, args):
    env = {"TUTOR_CACHE_DIR": str(tmp_path)}
    assert "sympy" in imported(args, **env)["modules"]  # the first call derives
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert "sympy" not in imported(args, **env)["modules"]


runner = CliRunner()


def output(*args) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


def damage(folder: Path, how: str) -> int:
    """Do `how` to every entry in the folder; how many there were. "resealed": the damage made
    with the entry's digest made anew, so that the reader's own checks must find it."""
    entries = sorted(folder.glob("*.json"))
    reseal = how.endswith(", resealed")
    how = how.removesuffix(", resealed")
    for path in entries:
        data = json.loads(path.read_text(encoding="utf-8"))
        if reseal and "fields" in data["data"]:  # a list entry: any fields are the file's own
            continue
        if how == "delete":
            path.unlink()
        elif how == "cut":
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
        elif how == "garbage":
            path.write_bytes(b"\x00\xff not json")
        elif how == "wrong types":
            inner = data["data"]
            for key in list(inner):
                inner[key] = 7 if not isinstance(inner[key], list) else [None]
            _write(path, data, reseal)
        elif how == "other key":
            data["key"] = "0" * 40
            _write(path, data, reseal)
        elif how == "broken formula":  # an explanation's kept functions fail, or give other numbers
            sources = data["data"].get("sources", {})
            for i, name in enumerate(sources):
                sources[name][0] = ("def _lambdifygenerated(*args):\n    raise ValueError('damaged')\n" if i % 2
                                    else sources[name][0].replace("return ", "return 1.5 + "))
            _write(path, data, reseal)
    return len(entries)


def _write(path: Path, data: dict, reseal: bool) -> None:
    from backprop_tutor.cache import seal

    if reseal:
        data["seal"] = seal(data["data"])
    path.write_text(json.dumps(data), encoding="utf-8")


DAMAGE = ("delete", "cut", "garbage", "wrong types", "other key", "broken formula",
          "wrong types, resealed", "broken formula, resealed")


def _same_with_and_without_cache(monkeypatch, tmp_path, args):
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output(*args)
    assert not list(tmp_path.iterdir())  # off: nothing written
    monkeypatch.delenv("TUTOR_CACHE")
    assert output(*args) == plain  # derived, and kept
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert output(*args) == plain  # read back
    for how in DAMAGE:
        assert damage(tmp_path, how) <= 1
        assert output(*args) == plain, how
        assert output(*args) == plain, how  # the entry written again is read back


@pytest.mark.parametrize("name", BUILTINS)
def test_run_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path, name):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    _same_with_and_without_cache(monkeypatch, tmp_path, ["run", name])


@pytest.mark.parametrize("name", BUILTINS)
def test_explain_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path, name):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    _same_with_and_without_cache(monkeypatch, tmp_path, ["explain", "dL/dW1", "-s", name])


def test_list_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output("list")
    monkeypatch.delenv("TUTOR_CACHE")
    assert output("list") == plain == output("list")
    assert len(list(tmp_path.glob("summary-*.json"))) == len(BUILTINS)
    for how in DAMAGE:
        damage(tmp_path, how)
        assert output("list") == plain == output("list"), how


@pytest.mark.parametrize("args", [["run", "height-weight", "--view", "element", "--digits", "3"],
                                  ["run", "logistic-4x2", "--sample", "2", "--set", "training.learning_rate=0.3"],
                                  ["explain", "dL/dw12^(1)", "-s", "logistic-4x2"],
                                  ["explain", "dL/db2", "-s", "height-weight", "--sample", "0"]], ids=" ".join)
def test_options_and_element_targets_are_the_same_with_and_without_the_cache(monkeypatch, tmp_path, args):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    _same_with_and_without_cache(monkeypatch, tmp_path, args)


def test_a_warm_explain_derives_nothing_and_still_computes_the_numbers(monkeypatch, tmp_path):
    """The derivation is read back; the value is chained again and checked against the engine
    and a finite difference computed on this call."""
    from backprop_tutor.printing import kept
    from backprop_tutor.symbolic import numeric

    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    first = output("explain", "dL/dW1", "-s", "logistic-4x2")
    computed = []
    real_values = numeric.values

    def counted(*args, **kwargs):
        found = real_values(*args, **kwargs)
        computed.append(found)
        return found

    monkeypatch.setattr(kept, "_derived", lambda *a: pytest.fail("derived again on a warm cache"))
    monkeypatch.setattr(numeric, "values", counted)
    assert output("explain", "dL/dW1", "-s", "logistic-4x2") == first
    (value, engine_value, fd, _), = computed
    assert value.shape == engine_value.shape == fd.shape == (2, 3)


def test_other_numbers_are_not_read_from_an_entry_of_other_numbers(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    output("run", "logistic-4x2")
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output("run", "logistic-4x2", "--set", "parameters.b1=[4, 5, -2.5]")
    monkeypatch.delenv("TUTOR_CACHE")
    assert output("run", "logistic-4x2", "--set", "parameters.b1=[4, 5, -2.5]") == plain


def test_a_cache_that_cannot_be_written_is_skipped(monkeypatch, tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output("run", "height-weight")
    monkeypatch.delenv("TUTOR_CACHE")
    assert output("run", "height-weight") == plain
