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
#: the built-ins whose run and explain are compared with and without the cache:
#: those up to 100,000 weights (the lessons showing the slides' wide demos, six layers of 512
#: or 4096 units, take seconds to minutes a time by design; tests/test_lessons.py runs them)
def _weights(name: str) -> int:
    import yaml

    net = yaml.safe_load(catalog.resolve(name).read_text(encoding="utf-8")).get("network", {})
    widths = [net.get("inputs", 1)] + [layer.get("units", 1) for layer in net.get("layers", [])]
    return sum(a * b for a, b in zip(widths, widths[1:]))


CACHED = [name for name in BUILTINS if _weights(name) <= 100_000]
#: the built-ins whose kept entry is also damaged in every way below and must be made again: the
#: three worked examples and the lessons whose steps are of kinds of their own (dropout's mask,
#: batch normalisation's six backward steps); the reading of an entry does not depend on the
#: scenario, and every other built-in is still compared with and without the cache
DAMAGED = {"height-weight", "logistic-4x2", "bnn-saturation", "dropout", "batch-norm"}

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
                                  ["validate", str(SCENARIOS / "logistic-4x2.yaml")],
                                  ["validate", str(SCENARIOS / "hinge-svm.yaml"), str(SCENARIOS / "bias-free.yaml")]],
                         ids=" ".join)
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


#: runs `tutor ARGS` in this process, then writes whether the heap's thresholds were set
HEAP_PROBE = """
import json, sys
from backprop_tutor.cli import main
sys.argv = ["tutor"] + json.loads(sys.argv[1])
try:
    main()
except SystemExit as done:
    code = done.code
heap = sys.modules.get("backprop_tutor.cli.heap")
sys.stderr.write("\\nHEAP " + json.dumps({"code": code, "set": bool(heap and heap._done)}))
"""


#: the same command through the typer application in this process, as a test runner runs it
HEAP_IN_PROCESS = HEAP_PROBE.replace("from backprop_tutor.cli import main", "from typer.testing import CliRunner\n"
                                     "from backprop_tutor.cli import app").replace(
    "try:\n    main()\nexcept SystemExit as done:\n    code = done.code",
    "code = CliRunner().invoke(app, sys.argv[1:]).exit_code")


def test_a_command_that_computes_sets_the_heap_to_reuse_freed_memory():
    """glibc's thresholds are set by the command line for the commands that compute (here
    `run`), once, and not for the light ones, nor when another program (a test runner) runs
    the typer application in its own process; elsewhere than glibc nothing is set and nothing fails."""
    import platform

    glibc = platform.libc_ver()[0] == "glibc"
    for probe, args, expected in ((HEAP_PROBE, ["run", "logistic-4x2"], glibc), (HEAP_PROBE, ["list"], False),
                                  (HEAP_IN_PROCESS, ["run", "logistic-4x2"], False)):
        done = subprocess.run([sys.executable, "-c", probe, json.dumps(args)], capture_output=True, text=True,
                              timeout=120)
        found = json.loads(done.stderr.rpartition("HEAP ")[2])
        assert found == {"code": found["code"], "set": expected} and found["code"] in (0, None), (args, done.stderr)
    from backprop_tutor.cli import heap

    assert heap.reuse_freed_memory() == glibc and heap.reuse_freed_memory() == glibc


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
        elif how in ("value shape", "value text", "verdict") and "value" in data["data"]:
            inner = data["data"]  # an explanation's kept value or its self-check's verdict
            if how == "value shape":
                inner["value"]["shape"] = [*inner["value"]["shape"], 2]
            elif how == "value text":
                inner["value"]["hex"][0] = "1.5; __import__('os').remove('x')"
            else:
                inner["check"] = [*inner["check"], "a verdict the self-check does not give"]
            _write(path, data, reseal)
    return len(entries)


def _write(path: Path, data: dict, reseal: bool) -> None:
    from backprop_tutor.cache import seal

    if reseal:
        data["seal"] = seal(data["data"])
    path.write_text(json.dumps(data), encoding="utf-8")


DAMAGE = ("delete", "cut", "garbage", "wrong types", "other key", "value text",
          "wrong types, resealed", "value shape, resealed", "value text, resealed", "verdict, resealed")


def _same_with_and_without_cache(monkeypatch, tmp_path, args, damaged: bool = True):
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output(*args)
    assert not list(tmp_path.iterdir())  # off: nothing written
    monkeypatch.delenv("TUTOR_CACHE")
    assert output(*args) == plain  # derived, and kept
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert output(*args) == plain  # read back
    for how in DAMAGE if damaged else ():
        assert damage(tmp_path, how) <= 1
        assert output(*args) == plain, how
        assert output(*args) == plain, how  # the entry written again is read back


@pytest.mark.parametrize("name", CACHED)
def test_run_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path, name):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    _same_with_and_without_cache(monkeypatch, tmp_path, ["run", name], damaged=name in DAMAGED)


#: a target each built-in's explain derives: dL/dW1, but for the lessons whose dL/dW1 explain
#: refuses (it reaches the loss through batch normalisation or training-mode dropout; see
#: tests/test_lessons_layers.py), the first value it does derive
EXPLAINED = {"batch-norm": "dL/dA1", "dropout": "dL/dZ2"}
#: the lessons explain derives nothing of: it refuses every target of a network with a maxout
#: layer, with the reason (tests/test_maxout.py), and a refusal keeps nothing
NOT_EXPLAINED = {"maxout", "hinge-svm"}  # explain refuses them with the reason (tests/test_hinge.py)


@pytest.mark.parametrize("name", [name for name in CACHED if name not in NOT_EXPLAINED])
def test_explain_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path, name):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    _same_with_and_without_cache(monkeypatch, tmp_path, ["explain", EXPLAINED.get(name, "dL/dW1"), "-s", name])


def test_list_is_the_same_with_and_without_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_CACHE", "off")
    plain = output("list")
    monkeypatch.delenv("TUTOR_CACHE")
    assert output("list") == plain == output("list")
    assert len(list(tmp_path.glob("list-*.json"))) == 1  # the list as drawn
    assert not list(tmp_path.glob("summary-*.json"))  # the built-ins' fields come from the shipped index
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
    """The derivation and the value it gave are read back; the engine's value and a finite
    difference are computed on this call, and the self-check made again on them."""
    from backprop_tutor.printing import kept
    from backprop_tutor.symbolic import numeric

    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    first = output("explain", "dL/dW1", "-s", "logistic-4x2")
    computed = []
    real_checks = numeric.checks

    def counted(*args, **kwargs):
        found = real_checks(*args, **kwargs)
        computed.append(found)
        return found

    monkeypatch.setattr(kept, "_derived", lambda *a: pytest.fail("derived again on a warm cache"))
    monkeypatch.setattr(numeric, "checks", counted)
    assert output("explain", "dL/dW1", "-s", "logistic-4x2") == first
    (engine_value, fd, _), = computed
    assert engine_value.shape == fd.shape == (2, 3)


PAYLOAD = "__import__('pathlib').Path({mark!r}).write_text('ran')"


def test_nothing_read_from_the_cache_is_run(monkeypatch, tmp_path):
    """An entry holds data only: code put into it (where the formulas' source once was, in
    its value, in its text) is never run, and the output stays right."""
    import builtins

    from backprop_tutor.printing import kept as kept_text

    folder, mark = tmp_path / "cache", tmp_path / "ran"
    monkeypatch.setenv("TUTOR_CACHE_DIR", str(folder))
    args = ("explain", "dL/dW1", "-s", "logistic-4x2")
    plain = output(*args)
    (path,) = folder.glob("explain-*.json")
    kept = json.loads(path.read_text(encoding="utf-8"))
    code = PAYLOAD.format(mark=str(mark))
    source = f"def _lambdifygenerated(*args):\n    {code}\n    return 0.0\n"
    for change in ("sources", "value", "check"):
        data = json.loads(json.dumps(kept))
        if change == "sources":  # as lambdify's source was kept before: read past as data
            data["data"]["sources"] = {f"f' {q}": [source, False] for q in (1, 2)}
        elif change == "value":
            data["data"]["value"]["hex"] = [code] * len(data["data"]["value"]["hex"])
        else:
            data["data"]["check"] = [code]
        _write(path, data, reseal=True)
        real = (builtins.exec, builtins.eval, builtins.compile)
        given = []  # what was handed to exec, eval or compile on the way (typer's own annotations)

        def watched(run):
            def seen(source, *a, **k):
                given.append(source if isinstance(source, str) else repr(source))
                return run(source, *a, **k)
            return seen

        with monkeypatch.context() as m:
            for name, run in zip(("exec", "eval", "compile"), real):
                m.setattr(builtins, name, watched(run))
            if change == "sources":  # an entry that serves: read and printed without deriving
                m.setattr(kept_text, "_derived", lambda *a: pytest.fail("derived again"))
            assert output(*args) == plain, change  # else: derived, and written anew
        assert not any(str(mark) in text or "_lambdifygenerated(*args):\n    __import__" in text
                       for text in given), change
        assert (builtins.exec, builtins.eval, builtins.compile) == real
        if change != "sources":
            assert json.loads(path.read_text(encoding="utf-8"))["data"] == kept["data"], change
        assert not mark.exists(), change
    assert output(*args) == plain
    assert not mark.exists()
    assert all("_lambdifygenerated" not in p.read_text(encoding="utf-8") for p in folder.glob("*.json"))


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


def test_the_numbers_digest_holds_every_bit_of_every_array():
    """The cache key of a run's numbers: an array held by several records is hashed once,
    in place, yet the digest changes with one ulp of one entry, the type, the shape, and
    which array sits where."""
    import numpy as np

    from backprop_tutor import cache

    a = np.arange(12.0).reshape(3, 4)
    same = cache.numbers([a, a, {"x": a.T}])
    assert same == cache.numbers([a.copy(), a.copy(), {"x": a.T.copy()}])
    b = a.copy()
    b[2, 3] = np.nextafter(b[2, 3], np.inf)
    assert cache.numbers([a, b, {"x": a.T}]) != same
    assert cache.numbers([b, a, {"x": a.T}]) != cache.numbers([a, b, {"x": a.T}])
    assert cache.numbers([a.astype(np.float32)]) != cache.numbers([a])
    assert cache.numbers([a.reshape(4, 3)]) != cache.numbers([a])
    assert cache.numbers([a[:, ::2]]) == cache.numbers([np.ascontiguousarray(a[:, ::2])])
    assert cache.numbers(np.float64(1.5)) != cache.numbers(np.float32(1.5))


def test_a_wide_layers_explanation_is_kept_by_the_entries_it_prints(monkeypatch, tmp_path):
    """A wide layer's gradient is a lazily computed matrix: its explanation is kept with the
    entries its value section prints (the first and last rows and columns), read back without
    deriving again, and printed the same; an entry whose rows are not those is not used."""
    import numpy as np

    from backprop_tutor.engine import lazy, network
    from backprop_tutor.printing import kept

    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(lazy, "wide", lambda shape: len(shape) == 2 and shape[0] * shape[1] > 20)
    monkeypatch.setattr(network, "wide", lazy.wide)
    path = tmp_path / "wide.yaml"
    path.write_text("""name: wide-ish
data: {inputs: [[1, 2, 3], [2, 1, 0], [3, 1, 2], [4, 3, 1]], targets: [1, 0, 0, 1]}
network: {inputs: 3, layers: [{units: 9, activation: tanh}, {units: 1, activation: sigmoid}]}
parameters: {init: {method: xavier, seed: 3}}
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.1}
""", encoding="utf-8")
    args = ("explain", "dL/dW1", "-s", str(path))
    first = output(*args)
    (entry,) = (tmp_path / "cache").glob("explain-*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))["data"]
    assert data["value"]["shape"] == [3, 9] and data["value"]["cols"] == [0, 1, 2, 6, 7, 8]
    assert "..." in first  # the value printed by its edges
    monkeypatch.setattr(kept, "_derived", lambda *a: pytest.fail("derived again on a warm cache"))
    assert output(*args) == first
    value = kept.decoded(data["value"])
    assert value.shape == (3, 9) and np.isnan(value.take_rows([0])[0, 3])
    data["value"]["rows"] = [0]
    assert kept.decoded(data["value"]) is None  # rows that are not the printed ones
