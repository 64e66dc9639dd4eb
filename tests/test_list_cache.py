"""`tutor list` is replayed from the cache as it was drawn: the same bytes as drawn afresh,
with the cache off, and after its entry is damaged."""

from __future__ import annotations

import os
import subprocess
import sys


def tutor_list(env):
    done = subprocess.run([sys.executable, "-m", "backprop_tutor", "list"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "100", **env})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_list_is_replayed_byte_for_byte(tmp_path):
    env = {"TUTOR_CACHE_DIR": str(tmp_path)}
    drawn = tutor_list({"TUTOR_CACHE": "off"})
    assert tutor_list(env) == drawn and len(list(tmp_path.glob("list-*.json"))) == 1
    assert tutor_list(env) == drawn  # read back
    entry = next(tmp_path.glob("list-*.json"))
    entry.write_text(entry.read_text(encoding="utf-8").replace("hinge-svm", "hinge-XXX"), encoding="utf-8")
    assert tutor_list(env) == drawn  # a damaged entry is drawn again
    assert "hinge-svm" in drawn and "bias-free" in drawn
