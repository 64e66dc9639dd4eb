import os
import signal
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# the tests never write to the user's own cache: printed formulas go to a folder of this run
# (removed at its end), in this process and in every command it starts
_CACHE = tempfile.TemporaryDirectory(prefix="tutor-cache-tests-")
os.environ["TUTOR_CACHE_DIR"] = _CACHE.name
os.environ.pop("TUTOR_CACHE", None)

# Ctrl-C reaches the commands the tests start as it does from a terminal: a test run started
# where SIGINT is ignored (a background job) would pass SIG_IGN on to every child, and Python
# then raises no KeyboardInterrupt
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def run_steps():
    """Steps of one iteration of a built-in scenario, by key."""
    from backprop_tutor.engine import Engine
    from backprop_tutor.scenario import load

    def run(name, settings=None):
        return {s.key: s for s in Engine(load(name, settings)).steps()}

    return run


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long profiles (the fuzz test with thousands of examples)")


@pytest.fixture(scope="session")
def slow(request) -> bool:
    return request.config.getoption("--slow")
