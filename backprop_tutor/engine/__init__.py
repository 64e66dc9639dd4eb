"""The engine (numpy only): one Step record per operation."""

from .engine import Engine, grad_key, param_names
from .step import PHASES, Step
from .train import TrainResult, evaluate, train

__all__ = ["Engine", "Step", "PHASES", "grad_key", "param_names", "TrainResult", "evaluate", "train"]
