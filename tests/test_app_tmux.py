"""The classroom check in a real terminal multiplexer: tmux (on a private socket) runs
`tutor run logistic-4x2 --step`; Enter goes forward, Left goes back, q quits with status 0
and the shell gets its terminal back."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TUTOR = shutil.which("tutor") or str(Path(sys.executable).with_name("tutor"))
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Tmux:
    def __init__(self) -> None:
        self.socket = f"tutor-test-{uuid.uuid4().hex[:8]}"

    def __call__(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              timeout=30).stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "step")

    def wait_for(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")


@pytest.fixture
def tmux():
    session = Tmux()
    yield session
    session("kill-server")  # this test's own server only (its private socket)


def test_enter_forward_left_back_q_quits_with_status_0(tmux):
    tmux("new-session", "-d", "-s", "step", "-x", "100", "-y", "30", "sh")
    tmux("send-keys", "-t", "step", f"{TUTOR} run logistic-4x2 --step; echo STATUS $?", "Enter")
    tmux.wait_for(" 1/17 ")
    tmux("send-keys", "-t", "step", "Enter")
    tmux.wait_for(" 2/17 ")
    tmux("send-keys", "-t", "step", "Enter")
    tmux.wait_for(" 3/17 ")
    tmux("send-keys", "-t", "step", "Left")
    assert " H1 " in tmux.wait_for(" 2/17 ")
    tmux("send-keys", "-t", "step", "q")
    shown = tmux.wait_for("STATUS 0")
    assert "Traceback" not in shown


def test_g_takes_a_name_typed_in_the_terminal(tmux):
    tmux("new-session", "-d", "-s", "step", "-x", "100", "-y", "30", "sh")
    tmux("send-keys", "-t", "step", f"{TUTOR} run logistic-4x2 --step; echo STATUS $?", "Enter")
    tmux.wait_for(" 1/17 ")
    tmux("send-keys", "-t", "step", "-l", "gdJ/dw13^(1)")
    tmux("send-keys", "-t", "step", "Enter")
    shown = tmux.wait_for(" 12/17 ")
    assert "∂J/∂W1" in shown and "picked dJ/dW1[0,2]" in shown
    tmux("send-keys", "-t", "step", "q")
    tmux.wait_for("STATUS 0")
