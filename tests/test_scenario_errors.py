"""Broken scenarios: `file:line: field: what is wrong, and what is allowed`, exit 2,
no traceback, no file changed. Scenario files are data: nothing in them runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from backprop_tutor.scenario import catalog

GOOD = catalog.resolve("logistic-4x2").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", *args], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=60)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = {
    "bad YAML syntax": (
        GOOD.replace("  learning_rate: 0.1", "  learning_rate: [0.1"),
        "learning_rate: [0.1", "", "YAML syntax error",
    ),
    "unknown field": (
        GOOD.replace("  learning_rate: 0.1", "  learning_rate: 0.1\n  momentum: 0.9"),
        "momentum: 0.9", "training.momentum", "unknown field 'momentum'; allowed fields here: learning_rate",
    ),
    "wrong type": (
        GOOD.replace("  learning_rate: 0.1", "  learning_rate: fast"),
        "learning_rate: fast", "training.learning_rate", "expected a number, got text 'fast'",
    ),
    "wrong matrix shape": (
        GOOD.replace("W1: [[1, 0, -2], [-1, 3, 2]]", "W1: [[1, 0], [-1, 3]]"),
        "W1: [[1, 0], [-1, 3]]", "parameters.W1", "wrong shape: the weight matrix W1 is 2 x 2, but it must be 2 x 3",
    ),
    "unknown activation": (
        GOOD.replace("- {units: 3, activation: sigmoid}", "- {units: 3, activation: sigmod}"),
        "activation: sigmod", "network.layers[0].activation",
        "unknown activation 'sigmod'; allowed: identity, sigmoid, tanh",
    ),
    "ragged rows": (
        GOOD.replace("    - [2, 1]\n", "    - [2, 1, 7]\n"),
        "- [2, 1, 7]", "data.inputs[1]", "row 2 has 3 numbers but row 1 has 2",
    ),
    "missing field": (
        GOOD.replace("loss: {type: binary_cross_entropy, samples: mean}\n", ""),
        "name: logistic-4x2", "", "missing required field 'loss'",
    ),
    "softmax in a hidden layer": (
        GOOD.replace("- {units: 3, activation: sigmoid}", "- {units: 3, activation: softmax}"),
        "activation: softmax", "network.layers[0].activation", "only allowed on the output layer",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_scenario_message(tmp_path, case):
    text, needle, field, message = CASES[case]
    path = write(tmp_path, text)
    before = path.read_bytes()
    for command in (["validate", str(path)], ["run", str(path)], ["run", str(path), "--json"]):
        proc = run_cli(*command, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == ""
        assert "Traceback" not in proc.stderr
        line = line_of(text, needle)
        prefix = f"{path}:{line}: " + (f"{field}: " if field else "")
        assert proc.stderr.startswith(prefix), proc.stderr
        assert message in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = GOOD.replace("title:", f"hack: !!python/object/apply:os.system ['touch {marker}']\ntitle:")
    proc = run_cli("validate", str(write(tmp_path, text)), cwd=tmp_path)
    assert proc.returncode == 2 and "is not allowed; a scenario is plain data" in proc.stderr
    assert not marker.exists()
    text = GOOD.replace("title:", "hack: !!python/name:os.system\ntitle:")
    proc = run_cli("validate", str(write(tmp_path, text)), cwd=tmp_path)
    assert proc.returncode == 2 and "not plain data" in proc.stderr and "Traceback" not in proc.stderr


def test_expression_strings_are_not_evaluated(tmp_path):
    text = GOOD.replace("  learning_rate: 0.1", "  learning_rate: \"__import__('os').getcwd()\"")
    proc = run_cli("validate", str(write(tmp_path, text)), cwd=tmp_path)
    assert proc.returncode == 2 and "expected a number, got text" in proc.stderr


def test_duplicate_key(tmp_path):
    text = GOOD.replace("  learning_rate: 0.1", "  learning_rate: 0.1\n  learning_rate: 0.2")
    proc = run_cli("validate", str(write(tmp_path, text)), cwd=tmp_path)
    assert proc.returncode == 2
    assert f":{line_of(text, 'learning_rate: 0.2')}: training.learning_rate: this key appears twice" in proc.stderr


def test_empty_and_missing_files(tmp_path):
    proc = run_cli("validate", str(write(tmp_path, "")), cwd=tmp_path)
    assert proc.returncode == 2 and "the file is empty" in proc.stderr
    proc = run_cli("run", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr


def test_cross_entropy_targets_must_be_probabilities(tmp_path):
    text = GOOD.replace("targets: [1, 0, 0, 1]", "targets: [1, 0, 2, 1]")
    path = write(tmp_path, text)
    proc = run_cli("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"{path}:{line_of(text, 'targets: [1, 0, 2, 1]')}: data.targets: binary "
                                  f"cross-entropy needs targets between 0 and 1, but they run from 0 to 2")
    # the height/weight net with its targets left in kilograms
    proc = run_cli("run", "height-weight", "--set", "data.preprocess=none", cwd=tmp_path)
    assert proc.returncode == 2 and "they run from 62 to 66" in proc.stderr and "Traceback" not in proc.stderr


def test_exponent_numbers_without_a_dot_are_numbers(tmp_path):
    # YAML 1.1 reads 1e-5 as text; a teacher means the number
    text = GOOD.replace("epsilon: 1.0e-5", "epsilon: 1e-5").replace("learning_rate: 0.1", "learning_rate: 1E-1")
    proc = run_cli("run", str(write(tmp_path, text)), "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("run", "logistic-4x2", "--set", "training.learning_rate=1e-1x", cwd=tmp_path)
    assert proc.returncode == 2 and "expected a number, got text '1e-1x'" in proc.stderr


def test_empty_name(tmp_path):
    text = GOOD.replace("name: logistic-4x2", 'name: ""')
    proc = run_cli("validate", str(write(tmp_path, text)), cwd=tmp_path)
    assert proc.returncode == 2 and ": name: the name is empty" in proc.stderr


def test_mistakes_made_by_options_are_reported_against_the_option(tmp_path):
    cases = [
        (["run", "logistic-4x2", "--set", "trainig.learning_rate=1"],
         "--set trainig.learning_rate=1: trainig: unknown field 'trainig'"),
        (["run", "logistic-4x2", "--sample", "9"],
         "--sample 9: training.record: there is no record 9; records are numbered 0 to 3"),
        (["compare", "bnn-saturation", "--vary", "ste.threshold=1,abc"],
         "--vary ste.threshold=1,abc: ste.threshold: expected a number, got text 'abc'"),
        (["run", "/"], "/: this is a folder; give the path of a scenario .yaml file"),
    ]
    for args, message in cases:
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and proc.stderr.startswith(message), (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_a_loss_at_log_0_prints_no_numpy_warning(tmp_path):
    text = GOOD.replace("W2: [[2], [0], [-3]]", "W2: [[40], [40], [40]]").replace("b2: [1]", "b2: [40]")
    path = write(tmp_path, text)
    for command in (["run", str(path), "--json"], ["train", str(path), "-n", "3"]):
        proc = run_cli(*command, cwd=tmp_path)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr


SEVERAL = {
    "training": (GOOD.replace("  learning_rate: 0.1\n", "  learning_rate: fast\n")
                 .replace("  max_iterations: 1000\n", "  max_iterations: -5\n")
                 .replace("  epsilon: 1.0e-5\n", "  epsilon: nope\n"),
                 [("learning_rate: fast", "training.learning_rate"), ("max_iterations: -5", "training.max_iterations"),
                  ("epsilon: nope", "training.epsilon")]),
    "loss with an unknown type": (GOOD.replace("loss: {type: binary_cross_entropy, samples: mean}",
                                               "loss: {type: bce, samples: avg}"),
                                  [("loss: {type: bce", "loss.type"), ("loss: {type: bce", "loss.samples")]),
    "loss with a known type": (GOOD.replace("loss: {type: binary_cross_entropy, samples: mean}",
                                            "loss: {type: binary_cross_entropy, samples: avg, l2: -1}"),
                               [("samples: avg", "loss.samples"), ("samples: avg", "loss.l2")]),
    "header": (GOOD.replace("name: logistic-4x2", "name: [1]").replace('title: "Logistic', 'title: [5]\n#'),
               [("name: [1]", "name"), ("title: [5]", "title")]),
}


@pytest.mark.parametrize("case", list(SEVERAL))
def test_every_independent_mistake_of_a_section_is_reported(tmp_path, case):
    text, expected = SEVERAL[case]
    path = write(tmp_path, text)
    done = run_cli("validate", str(path), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    for needle, field in expected:
        assert f"{path}:{line_of(text, needle)}: {field}: " in done.stderr, (field, done.stderr)


def test_validate_checks_the_run_section_even_when_the_file_has_other_mistakes(tmp_path):
    text = GOOD.replace("  learning_rate: 0.1\n", "  learning_rate: fast\n") + "run:\n  network.layers.0.units: 5\n"
    path = write(tmp_path, text)
    done = run_cli("validate", str(path), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"{path}:{line_of(text, 'learning_rate: fast')}: training.learning_rate: " in done.stderr
    assert f"{path}:{line_of(text, 'network.layers.0.units: 5')}: parameters.W1: " in done.stderr, done.stderr



def test_a_key_missing_its_colon_is_reported_at_its_own_line():
    """PyYAML notices the missing ':' on the next line; the student's mistake is on the key's."""
    from backprop_tutor.errors import TutorError
    from backprop_tutor.scenario.yamlsource import load_text

    with pytest.raises(TutorError) as err:
        load_text("z1: 0.25\nz2 0.5\na1: 0.562\n", "sheet.yaml")
    assert str(err.value).startswith("sheet.yaml:2:"), str(err.value)
