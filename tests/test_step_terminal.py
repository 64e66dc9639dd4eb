"""The real program in a pseudo-terminal, and without one."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

TUTOR = shutil.which("tutor") or str(Path(sys.executable).with_name("tutor"))


def spawn(*args):
    env = dict(os.environ, TERM="xterm-256color")
    return pexpect.spawn(TUTOR, list(args), dimensions=(24, 80), encoding="utf-8", timeout=30, env=env)


def test_next_three_times_back_once_and_quit():
    child = spawn("run", "logistic-4x2", "--step")
    child.expect(r"\b1/17\b")
    for k in range(3):
        child.send("\x1b[C")  # right arrow
        child.expect(rf"\b{k + 2}/17\b")
    child.send("\x1b[D")  # left arrow
    child.expect(r"\b3/17\b")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_keys_goto_and_phase_jumps_then_ctrl_c():
    child = spawn("run", "height-weight", "--step", "--projector")
    child.expect(r"\b1/21\b")
    child.send("g12\r")
    child.expect(r"\b12/21\b")
    child.send("f")
    child.expect(r"\b5/21\b")
    child.send("r")
    child.expect(r"\b10/21\b")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130  # Ctrl-C: the shell's status for an interrupt


def test_terminal_is_restored_after_quit():
    child = pexpect.spawn("/bin/sh", ["-c", f"{TUTOR} run height-weight --step; stty -a"],
                          dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect(r"\b1/21\b")
    child.send("q")
    child.expect(pexpect.EOF)
    settings = child.before
    assert " icanon" in settings and " echo" in settings


def test_auto_plays_by_itself():
    child = spawn("run", "height-weight", "--step", "--auto", "0.1")
    child.expect(r"\b4/21\b")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_without_a_terminal_every_step_is_printed_and_it_ends():
    done = subprocess.run([TUTOR, "run", "logistic-4x2", "--step"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "not a terminal" in done.stderr
    for k in range(1, 18):
        assert f" {k}/17 " in done.stdout
    assert done.stdout.index(" 1/17 ") < done.stdout.index(" 17/17 ")


def test_element_formula_of_the_notes_is_printed():
    done = subprocess.run([TUTOR, "run", "height-weight", "--step"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, env=dict(os.environ, COLUMNS="100"))
    assert "z1⁽¹⁾ = x * w11⁽¹⁾ + b1⁽¹⁾ = 0.5 * 0.5 + 0 = 0.25" in done.stdout


def test_bad_view_is_a_clean_error():
    done = subprocess.run([TUTOR, "run", "logistic-4x2", "--step", "--view", "wide"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--view" in done.stderr and "Traceback" not in done.stderr
