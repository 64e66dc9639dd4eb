"""The light paths of `cli.main`: `tutor list` and `tutor validate FILE...` run without
typer, and `tutor --help` replayed from the cache, write the same bytes and end with the
same status as typer's path; any other command line (options, mistakes) still goes
through typer, whose messages and statuses it keeps. No timing here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
GOOD = str(SCENARIOS / "logistic-4x2.yaml")

#: `tutor ARGS` as the installed script runs it (TYPER_ONLY=1: the light paths turned off),
#: then which of typer and rich's help helpers it imported
PROBE = """
import json, os, sys
import backprop_tutor.cli.light as light
if os.environ.get("TYPER_ONLY"):
    import backprop_tutor.cli.tophelp as tophelp
    light.simple = lambda argv: None
    tophelp.drawing = lambda: None
from backprop_tutor.cli import main
sys.argv = ["tutor"] + json.loads(sys.argv[1])
try:
    main()
except SystemExit as done:
    code = done.code
found = [m for m in ("typer", "typer.rich_utils", "rich.panel", "numpy", "sympy", "yaml") if m in sys.modules]
sys.stderr.flush()
os.write(2, b"\\x00PROBE" + json.dumps({"code": code, "modules": found}).encode())
"""


def tutor(args: list[str], **env) -> dict:
    """stdout and stderr (bytes), the exit status and the heavy modules imported."""
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, timeout=120,
                          env={**os.environ, **env})
    err, _, probe = done.stderr.rpartition(b"\x00PROBE")
    found = json.loads(probe)
    return {"out": done.stdout, "err": err, "status": found["code"] or 0, "modules": found["modules"]}


def same(a: dict, b: dict) -> None:
    assert (a["out"], a["err"], a["status"]) == (b["out"], b["err"], b["status"])


@pytest.fixture
def bad(tmp_path) -> str:
    path = tmp_path / "bad.yaml"
    text = Path(GOOD).read_text(encoding="utf-8")
    path.write_text(text.replace("learning_rate: 0.1", "learning_rate: -1").replace("units: 3", "units: 0"),
                    encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", ["list", "validate good", "validate good bad name", "validate bad",
                                  "validate twice", "validate broken yaml"])
def test_list_and_validate_without_typer_write_what_typer_writes(tmp_path, bad, case):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    args = {"list": ["list"], "validate good": ["validate", GOOD],
            "validate good bad name": ["validate", GOOD, bad, "no-such-scenario"],
            "validate bad": ["validate", bad], "validate twice": ["validate", GOOD, "height-weight"],
            "validate broken yaml": ["validate", str(broken)]}[case]
    env = {"TUTOR_CACHE_DIR": str(tmp_path / "cache")}
    light, typed = tutor(args, **env), tutor(args, TYPER_ONLY="1", **env)
    assert "typer" not in light["modules"] and "typer" in typed["modules"]
    same(light, typed)
    assert light["status"] == (0 if case in ("list", "validate good", "validate twice") else 2)
    assert light["out"] or light["err"]
    for colour in ({"FORCE_COLOR": "1", "COLUMNS": "100"}, {"NO_COLOR": "1", "COLUMNS": "60"}):
        same(tutor(args, **env, **colour), tutor(args, TYPER_ONLY="1", **env, **colour))


@pytest.mark.parametrize("args", [["list", "extra"], ["list", "--help"], ["validate"], ["validate", "--help"],
                                  ["validate", GOOD, "--set", "x=1"], ["validate", "-", GOOD],
                                  ["validate", "--", GOOD], ["--help", "list"], [], ["lits"]], ids=repr)
def test_any_other_command_line_goes_through_typer(tmp_path, args):
    env = {"TUTOR_CACHE_DIR": str(tmp_path / "cache")}
    found = tutor(args, **env)
    assert "typer" in found["modules"]
    same(found, tutor(args, TYPER_ONLY="1", TUTOR_CACHE="off"))


@pytest.mark.parametrize("setting", [{}, {"FORCE_COLOR": "1", "COLUMNS": "100"}, {"NO_COLOR": "1", "COLUMNS": "50"}],
                         ids=["plain", "colour", "no colour"])
def test_help_replayed_from_the_cache_is_typers_own(tmp_path, setting):
    env = {"TUTOR_CACHE_DIR": str(tmp_path / "cache"), **setting}
    drawn = tutor(["--help"], TUTOR_CACHE="off", TYPER_ONLY="1", **setting)
    assert "typer.rich_utils" in drawn["modules"] and drawn["status"] == 0
    assert b"Usage:" in drawn["out"] and b"validate" in drawn["out"]
    first = tutor(["--help"], **env)  # drawn without typer (cli/tophelp.py), and kept
    assert not {"typer", "numpy", "sympy"} & set(first["modules"])
    warm = tutor(["--help"], **env)  # replayed
    assert not {"typer", "numpy", "sympy"} & set(warm["modules"])
    same(first, drawn)
    same(warm, drawn)
    if setting.get("FORCE_COLOR"):
        assert b"\x1b[" in warm["out"]
    else:
        assert b"\x1b[" not in warm["out"]


def test_help_in_another_setting_or_from_a_damaged_entry_is_drawn_again(tmp_path):
    folder = tmp_path / "cache"
    env = {"TUTOR_CACHE_DIR": str(folder)}
    tutor(["--help"], **env)
    (entry,) = folder.glob("help-*.json")
    narrow = tutor(["--help"], COLUMNS="40", **env)  # another width: another entry
    assert "rich.panel" in narrow["modules"]  # drawn, not replayed
    same(narrow, tutor(["--help"], COLUMNS="40", TUTOR_CACHE="off"))
    assert len(list(folder.glob("help-*.json"))) == 2
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["data"]["text"] = "tampered\n"  # its seal no longer matches
    entry.write_text(json.dumps(data), encoding="utf-8")
    redrawn = tutor(["--help"], **env)
    assert "rich.panel" in redrawn["modules"]
    same(redrawn, tutor(["--help"], TUTOR_CACHE="off"))
    same(tutor(["--help"], **env), redrawn)


def test_help_is_replayed_in_another_folder_a_nested_shell_or_a_new_window(tmp_path):
    """The shell's bookkeeping (the folder, the last folder, the nesting level, the last
    command, a terminal window's or login's own ids) is not part of the help's key: a `cd` or a
    new window does not make the tutor draw it again; any other variable does."""
    env = {"TUTOR_CACHE_DIR": str(tmp_path / "cache"), "PWD": "/", "OLDPWD": "/tmp", "SHLVL": "1", "_": "/bin/ls"}
    first = tutor(["--help"], **env)
    assert "rich.panel" in first["modules"]
    moved = tutor(["--help"], **{**env, "PWD": str(tmp_path), "OLDPWD": "/", "SHLVL": "3", "_": "/usr/bin/tutor"})
    assert "rich.panel" not in moved["modules"]  # replayed
    same(moved, first)
    window = tutor(["--help"], **env, WINDOWID="81788934", SSH_CONNECTION="10.0.0.2 52114 10.0.0.1 22",
                   TERM_SESSION_ID="w0t0p0:4F1C", TMUX_PANE="%3")  # another terminal window, another login
    assert "rich.panel" not in window["modules"]
    same(window, first)
    other = tutor(["--help"], **env, SOME_SETTING="1")
    assert "rich.panel" in other["modules"]
    same(other, first)


def test_help_and_list_into_a_closed_pipe_end_quietly(tmp_path):
    env = {**os.environ, "TUTOR_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["--help"], ["--help"], ["list"]):  # --help: drawn, then replayed
        script = f"{sys.executable} -c 'from backprop_tutor.cli import main; main()' {' '.join(args)} | head -c 1"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", script], capture_output=True, env=env, timeout=120)
        assert done.returncode == 0 and done.stderr == b"", (args, done.stderr)


def test_a_file_checked_right_before_is_not_read_again_until_it_changes(tmp_path, bad):
    folder = tmp_path / "cache"
    env = {"TUTOR_CACHE_DIR": str(folder)}
    path = tmp_path / "mine.yaml"
    path.write_bytes(Path(GOOD).read_bytes())
    args = ["validate", str(path), "height-weight"]
    plain = tutor(args, TUTOR_CACHE="off")
    assert plain["status"] == 0
    first = tutor(args, **env)
    assert len(list(folder.glob("validate-*.json"))) == 2
    warm = tutor(args, **env)
    assert "yaml" in first["modules"] and "yaml" not in warm["modules"]
    same(first, plain)
    same(warm, plain)
    path.write_bytes(Path(bad).read_bytes())  # changed: checked again, its mistakes reported
    changed = tutor(args, **env)
    same(changed, tutor(args, TUTOR_CACHE="off"))
    assert changed["status"] == 2 and b"learning_rate" in changed["err"]
    assert len(list(folder.glob("validate-*.json"))) == 2  # a file with a mistake is not kept
    for entry in folder.glob("validate-*.json"):  # damaged entries: checked again
        entry.write_bytes(b"\x00")
    same(tutor(args, **env), changed)


def test_a_file_naming_a_data_set_is_always_checked_again(tmp_path):
    folder = tmp_path / "cache"
    path = tmp_path / "digits.yaml"
    path.write_text("# a data set: dataset\n" + Path(GOOD).read_text(encoding="utf-8"), encoding="utf-8")
    found = tutor(["validate", str(path)], TUTOR_CACHE_DIR=str(folder))
    assert found["status"] == 0
    assert not list(folder.glob("validate-*.json"))


def test_help_cut_short_by_a_closed_pipe_is_not_kept(monkeypatch, tmp_path):
    from backprop_tutor.cli import helptext

    class Closed:
        def write(self, text):
            raise BrokenPipeError

        def flush(self):
            pass

    monkeypatch.setenv("TUTOR_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "stdout", Closed())
    recorder = helptext.recording()
    with pytest.raises(BrokenPipeError):
        sys.stdout.write("Usage: tutor [OPTIONS]\n")
    helptext.stop(recorder, "k" * 40)  # what typer drew is not all there: not kept
    assert isinstance(sys.stdout, Closed)
    assert not list(tmp_path.glob("help-*.json"))
