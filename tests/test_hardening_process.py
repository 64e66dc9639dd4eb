"""How the tutor ends: signals in step mode restore the terminal, Ctrl-Z and fg give
it back and take it again, Ctrl-C is status 130, a closed pipe is a quiet 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

TUTOR = str(Path(sys.executable).parent / "tutor")
LEAVE_ALT = "\x1b[?1049l"
ENTER_ALT = "\x1b[?1049h"
SHOW_CURSOR = "\x1b[?25h"


def _tutor_pid(shell_pid: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{shell_pid}/task/{shell_pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("the tutor did not start")


def _step_mode_in_shell():
    child = pexpect.spawn("/bin/sh", ["-c", f"{TUTOR} run height-weight --step; echo STATUS $?; stty -a"],
                          dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect(r"\b1/21\b")
    return child, _tutor_pid(child.pid)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_ending_signals_restore_the_terminal(sig):
    child, pid = _step_mode_in_shell()
    os.kill(pid, sig)
    child.expect(f"STATUS {128 + sig}")
    before = child.before
    child.expect(pexpect.EOF)
    assert LEAVE_ALT in before and SHOW_CURSOR in before
    assert " icanon" in child.before and " echo" in child.before and "Traceback" not in before


def test_ctrl_z_gives_the_terminal_back_and_fg_takes_it_again():
    shell = pexpect.spawn("/bin/bash", ["--norc", "--noprofile", "-i"], dimensions=(24, 80), encoding="utf-8",
                          timeout=30, env=dict(os.environ, PS1="$ "))
    shell.expect_exact("$ ")
    shell.sendline(f"{TUTOR} run height-weight --step")
    shell.expect(r"\b1/21\b")
    shell.send("\x1a")  # Ctrl-Z: the terminal sends SIGTSTP
    shell.expect_exact(LEAVE_ALT)
    shell.expect("Stopped")
    shell.sendline("stty -a | tr -d '\\n'; echo")
    shell.expect(r"\bicanon\b")
    shell.expect_exact("$ ")
    shell.sendline("fg")
    shell.expect_exact(ENTER_ALT)
    shell.expect(r"\b1/21\b")
    shell.send(" ")  # one key, no Enter: the keyboard is in cbreak mode again
    shell.expect(r"\b2/21\b")
    shell.send("q")
    shell.sendline("echo STATUS $?")
    shell.expect("STATUS 0")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_ctrl_c_outside_step_mode_is_130():
    proc = subprocess.Popen([sys.executable, "-m", "backprop_tutor", "train", "logistic-4x2", "-n", "1000000",
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in err


def test_closed_pipe_is_a_quiet_zero():
    for args in (["run", "logistic-4x2"], ["run", "logistic-4x2", "--json"], ["train", "logistic-4x2", "-n", "50"],
                 ["explain", "dJ/dW1"], ["run", "bnn-saturation", "--step"]):
        proc = subprocess.Popen([sys.executable, "-m", "backprop_tutor", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        proc.stdout.read(1)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        assert proc.returncode == 0, (args, err)
        assert "Traceback" not in err and "Exception ignored" not in err and "Broken pipe" not in err, (args, err)


def test_markup_in_a_name_on_the_progress_bar_of_a_terminal(tmp_path):
    from backprop_tutor.scenario import catalog

    text = catalog.resolve("logistic-4x2").read_text(encoding="utf-8")
    path = tmp_path / "markup.yaml"
    path.write_text(text.replace("name: logistic-4x2", 'name: "[/]evil[bold"'), encoding="utf-8")
    child = pexpect.spawn(TUTOR, ["train", str(path), "-n", "3000"], encoding="utf-8", timeout=60,
                          dimensions=(24, 100))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before and "[/]evil[bold" in child.before


HELP_ARGS = (["--help"], ["--version"], ["run", "--help"])


@pytest.mark.parametrize("args", HELP_ARGS, ids=" ".join)
def test_help_and_version_into_a_closed_pipe_are_a_quiet_zero(args):
    proc = subprocess.Popen([sys.executable, "-m", "backprop_tutor", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == 0 and err == "", (args, err)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", HELP_ARGS, ids=" ".join)
def test_help_and_version_on_a_full_disk_say_so(args):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "backprop_tutor", *args], stdout=full, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("tutor: cannot write the output") and "Traceback" not in done.stderr
