"""The engine (numpy only): one Step record per operation."""

from .engine import Engine
from .network import Network, run_pass, update
from .records import grad_key
from .step import PHASES, Step
from .train import TrainResult, evaluate, train

__all__ = ["Engine", "Network", "Step", "PHASES", "grad_key", "run_pass", "update", "TrainResult", "evaluate",
           "train"]
