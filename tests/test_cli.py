"""The commands as a user runs them: exit codes, output, and the JSON contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from backprop_tutor import __version__
from backprop_tutor.cli import app

runner = CliRunner()


def tutor(*args):
    return runner.invoke(app, list(args))


def test_version():
    result = tutor("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"tutor {__version__}"


def test_help_explains_the_commands():
    result = tutor("--help")
    assert result.exit_code == 0
    for command in ("list", "run", "train", "validate"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["run", "train", "validate", "check", "quiz", "compare", "explain", "export",
                                     "plot"])
def test_help_names_what_an_option_takes_not_its_python_type(command):
    """A flag shows no type (`--json`, not `--json <bool>`), an option what it takes
    (`--set KEY=VALUE`, `--sample N`), and no Python type (`<list[str]>`) is shown anywhere."""
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = {found[1]: found[2].split() for found in (re.match(r"│\s+\*?\s*(--[\w-]+)\s+(.*)", line)
                                                     for line in result.stdout.splitlines()) if found}
    assert "--help" in rows and rows["--help"][:2] == ["Show", "this"]
    for python_type in ("<bool>", "<str>", "<int", "<float", "list[", "<Path>"):
        assert python_type not in result.stdout, (command, python_type)
    takes = {"--set": "NAME=VALUE" if command == "plot" else "KEY=VALUE", "--sample": "-k", "--digits": "N",
             "--iterations": "-n", "--epochs": "N", "--dtype": "float32|float64", "--from": "Z", "--at": "Z"}
    for option, first in takes.items():
        if option in rows:
            assert rows[option][0] == first, (command, option, rows[option][:3])
    if "--sample" in rows:
        assert rows["--sample"][1] == "N"


def test_another_typer_application_keeps_typers_own_help():
    """The tutor's help drawing is its own: a typer application beside it in the same process
    (a notebook's, a test runner's) still shows typer's types for its flags and arguments."""
    import typer

    other = typer.Typer()

    @other.command()
    def greet(name: str, loud: bool = False, times: int = 1):
        """Greet."""

    tutor("run", "--help")  # the tutor's help drawn first, in this process
    result = runner.invoke(other, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<str>" in result.stdout and "<int>" in result.stdout
    assert re.search(r"--loud\s+--no-loud", result.stdout)


#: the installed `tutor` script: the command line's own process, named tutor
LAUNCH = "import sys; from backprop_tutor.cli import main; sys.argv[0] = 'tutor'; main()"


def _help_through_the_command_line(args: list[str], columns: int) -> str:
    import os

    done = subprocess.run([sys.executable, "-c", LAUNCH, *args, "--help"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1",
                                            "TUTOR_CACHE": "off"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("command", [[], ["run"], ["compare"], ["explain"]], ids=["top", "run", "compare", "explain"])
def test_help_folds_a_long_word_instead_of_cutting_it(command):
    """At 60 columns a word longer than its column (`training.learning_rate=0.1,0.5`) is
    folded onto the next line, never cut with "…"; at 150 the help is typer's own, unchanged."""
    narrow = _help_through_the_command_line(command, 60)
    assert "…" not in narrow
    squashed = "".join(line.strip(" │") for line in narrow.splitlines())
    if command:
        assert "training.learning_rate=" in squashed.replace(" ", "")
    if command == ["compare"]:
        assert "network.layers.0.activation=relu,tanh" in squashed
    wide = _help_through_the_command_line(command, 150)
    assert wide == runner.invoke(app, [*command, "--help"], env={"COLUMNS": "150", "NO_COLOR": "1"}).stdout


def test_list_shows_both_worked_examples():
    result = tutor("list")
    assert result.exit_code == 0
    assert "height-weight" in result.stdout and "logistic-4x2" in result.stdout
    # the source document, as a heading and in its column (folded at 80 columns: the names are never cut)
    assert "\n003 " in result.stdout and "003_f52022dd7c0" in result.stdout and "d47.txt" in result.stdout
    assert "init-large-saturation" in result.stdout and "mlp-sweep-activation" in result.stdout


def test_run_prints_every_step_with_counter_and_formula():
    result = tutor("run", "logistic-4x2")
    assert result.exit_code == 0, result.stdout
    out = result.stdout
    assert "1/17" in out and "17/17" in out
    assert "1.55598" in out  # J
    assert "0.956374" in out  # updated b2
    assert "σ(Z₁)" in out  # the formula, printed by sympy


EXPECTED_KEYS = ["Z1", "A1", "Z2", "A2", "L", "dL/dA2", "dL/dZ2", "dL/dW2", "dL/db2", "dL/dA1",
                 "dL/dZ1", "dL/dW1", "dL/db1", "W1", "b1", "W2", "b2"]


def test_run_json_contract():
    result = tutor("run", "logistic-4x2", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # one JSON object and nothing else
    assert data["scenario"] == "logistic-4x2"
    assert [s["key"] for s in data["steps"]] == EXPECTED_KEYS
    assert all(set(s) == {"key", "phase", "value"} for s in data["steps"])
    phases = {s["key"]: s["phase"] for s in data["steps"]}
    assert phases["Z1"] == "forward" and phases["L"] == "loss"
    assert phases["dL/dW1"] == "backward" and phases["W1"] == "update"
    values = {s["key"]: s["value"] for s in data["steps"]}
    assert values["L"] == pytest.approx(1.5559781614141208, rel=1e-15)  # full precision
    assert len(values["W1"]) == 2 and len(values["W1"][0]) == 3  # n_in x n_out
    assert values["b1"] == pytest.approx([3.99982951, 5.0, -3.00109635], abs=1e-8)  # flat list
    assert values["dL/db2"] == pytest.approx([0.43626116], abs=1e-8)


def test_run_json_preprocess_phase_for_height_weight():
    data = json.loads(tutor("run", "height-weight", "--json").stdout)
    assert data["steps"][0] == {"key": "X", "phase": "preprocess", "value": [[0.0], [0.5], [1.0]]}
    keys = [s["key"] for s in data["steps"]]
    assert keys[keys.index("Z1"):] == EXPECTED_KEYS


def test_sample_option_picks_the_record():
    data = json.loads(tutor("run", "height-weight", "--sample", "2", "--json").stdout)
    values = {s["key"]: s["value"] for s in data["steps"]}
    assert values["x"] == [[1.0]] and values["Z1"] == [[0.5, 1.0]]


def test_set_overrides_a_field_for_a_what_if():
    data = json.loads(tutor("run", "logistic-4x2", "--set", "training.learning_rate=1", "--json").stdout)
    values = {s["key"]: s["value"] for s in data["steps"]}
    assert values["b2"] == pytest.approx([1 - 0.43626116], abs=1e-8)
    data = json.loads(tutor("run", "logistic-4x2", "--set", "network.layers.0.activation=tanh",
                            "--json").stdout)
    assert {s["key"] for s in data["steps"]} >= set(EXPECTED_KEYS)


def test_unscaled_height_weight_saturates():
    # the notes' warning: without scaling, a(1 - a) is ~0 and the first layer cannot learn
    data = json.loads(tutor("run", "height-weight", "--set", "data.preprocess.inputs=none", "--json").stdout)
    values = {s["key"]: s["value"] for s in data["steps"]}
    assert max(abs(v) for v in values["dL/dW1"][0]) < 1e-30


def test_set_mistake_is_reported_against_the_option():
    result = tutor("run", "logistic-4x2", "--set", "training.learning_rate=fast")
    assert result.exit_code == 2
    assert "--set training.learning_rate=fast: training.learning_rate: expected a number" in result.output


def test_train_json_contract_and_1000_iterations():
    result = tutor("train", "logistic-4x2", "--iterations", "1000", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["iterations"] == 1000 and len(data["loss"]) == 1000
    assert data["loss"][0] == pytest.approx(1.55598, abs=5e-6)
    assert data["final"]["L"] == pytest.approx(0.695883, abs=5e-7)
    norms = data["final"]["grad_norms"]
    assert list(norms) == ["W1", "b1", "W2", "b2"]
    assert norms["W1"] == pytest.approx(4.48751e-3, abs=5e-9)
    assert norms["b2"] == pytest.approx(3.65930e-4, abs=5e-10)


def test_train_human_output_has_sparkline_and_norms():
    result = tutor("train", "logistic-4x2", "--iterations", "50")
    assert result.exit_code == 0
    assert "iterations 50" in result.stdout
    assert any(ch in result.stdout for ch in "▁▂▃▄▅▆▇█")
    assert "‖∂J/∂W1‖" in result.stdout


def test_train_stops_on_epsilon():
    data = json.loads(tutor("train", "logistic-4x2", "--set", "training.epsilon=1", "--json").stdout)
    assert data["iterations"] == 0 and data["loss"] == []
    assert data["final"]["L"] == pytest.approx(1.5559781614141208, rel=1e-12)  # no update was made
    data = json.loads(tutor("train", "logistic-4x2", "--set", "training.epsilon=0.002", "-n", "5000",
                            "--json").stdout)
    assert 0 < data["iterations"] < 5000 and len(data["loss"]) == data["iterations"]
    assert max(data["final"]["grad_norms"].values()) < 0.002


def test_validate_good_files():
    from backprop_tutor.scenario import catalog

    paths = [str(catalog.resolve(n)) for n in catalog.builtin_names()]
    result = tutor("validate", *paths)
    assert result.exit_code == 0 and result.stdout.count(": ok") == len(paths)


def test_unknown_scenario_name():
    result = tutor("run", "no-such-thing")
    assert result.exit_code == 2
    from backprop_tutor.scenario.catalog import builtin_names

    names = builtin_names()
    assert {"bnn-saturation", "height-weight", "logistic-4x2"} <= set(names)
    assert (f"no-such-thing: no built-in scenario of that name; built-in: {', '.join(names)}; or give the path "
            "of a .yaml file") in result.output


def test_python_dash_m_and_console_script_work_from_elsewhere(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "backprop_tutor", "run", "height-weight", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario"] == "height-weight"


def test_run_substitutes_numbers_element_by_element_for_small_layers():
    out = tutor("run", "height-weight").stdout
    assert "z1⁽¹⁾ = x * w11⁽¹⁾ + b1⁽¹⁾ = 0.5 * 0.5 + 0 = 0.25" in out
    assert "w11⁽¹⁾′ = w11⁽¹⁾ - η * ∂L/∂w11⁽¹⁾ = 0.5 - 0.1 * 0.0451474 = 0.495485" in out
    # whole matrices only, when asked
    assert "z1⁽¹⁾ = x * w11⁽¹⁾" not in tutor("run", "height-weight", "--view", "matrix").stdout


def test_iterations_and_epochs_belong_to_their_kind_of_training():
    result = tutor("train", "bnn-saturation", "--iterations", "5")
    assert result.exit_code == 2 and "trains by epochs (training.batch: 64); use --epochs N" in result.output
    result = tutor("train", "logistic-4x2", "--epochs", "2")
    assert result.exit_code == 2 and "trains by iterations (training.batch: full); use --iterations N" in result.output


def test_validate_accepts_built_in_names():
    result = tutor("validate", "logistic-4x2", "height-weight")
    assert result.exit_code == 0 and result.stdout.count(": ok") == 2


def test_loss_step_shows_the_l2_term():
    out = tutor("run", "logistic-4x2", "--set", "loss.l2=0.1").stdout
    assert "λ = 0.1: data loss 1.55598 + L2 penalty" in out


@pytest.mark.parametrize("args", [["--help"], ["list"], ["run", "logistic-4x2"]], ids=" ".join)
def test_an_output_that_takes_only_ascii_gets_one_line_not_a_traceback(args):
    import os

    done = subprocess.run([sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "ascii", "TUTOR_CACHE": "off"})
    assert done.returncode == 2, done.stderr[-1000:]
    assert done.stderr.startswith("tutor: the output cannot hold the character ") and done.stderr.count("\n") == 1
    assert "PYTHONIOENCODING=utf-8" in done.stderr and "Traceback" not in done.stderr


def test_a_terminal_width_that_is_not_a_number_is_not_read():
    import os

    done = subprocess.run([sys.executable, "-c", LAUNCH, "run", "--help"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TERMINAL_WIDTH": "wide", "COLUMNS": "90", "TUTOR_CACHE": "off"})
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-1000:]
    assert "Usage: tutor run" in done.stdout and max(len(line) for line in done.stdout.splitlines()) == 90
