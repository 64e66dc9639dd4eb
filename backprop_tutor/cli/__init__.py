"""The command line (typer, thin). Each module registers its commands on `app`."""

from . import commands  # noqa: F401  (registers list, run, train, validate)
from . import compare  # noqa: F401  (registers compare)
from . import explain  # noqa: F401  (registers explain)
from .app import app


def main() -> None:
    app()
