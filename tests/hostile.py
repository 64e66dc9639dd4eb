"""Run the tutor on hostile input in a child process and measure it: status, output,
wall time (a hang guard only) and the child's peak memory (from wait4's rusage)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

TUTOR = [sys.executable, "-m", "backprop_tutor"]
#: a child may use this much address space before the kernel refuses it more (a safety net)
ADDRESS_LIMIT = 3 * 2**30


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def _limits(address_bytes: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_bytes, address_bytes))
    return apply


def tutor(*args, cwd=None, timeout: float = 10.0, address_bytes: int = ADDRESS_LIMIT, stdin=None,
          env=None) -> Done:
    """`tutor ARGS...` with a time guard (killed after `timeout` s) and an address-space limit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([*TUTOR, *map(str, args)], stdout=out, stderr=err, cwd=cwd,
                                stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                preexec_fn=_limits(address_bytes),
                                env=dict(os.environ, OPENBLAS_NUM_THREADS="1", COLUMNS="100", **(env or {})))
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Done(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                    seconds, usage.ru_maxrss / 1024)


def builtin_path(name: str, cwd) -> str:
    """Where the tutor run from `cwd` finds a built-in scenario (the installed copy, when the
    package is installed rather than the source tree on the path)."""
    code = f"from backprop_tutor.scenario import catalog; print(catalog.resolve({name!r}))"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout.strip()
