"""Presentation rules: each op registers, beside itself, which rule shows a step of it
(`ops.base.presents`); a rule named "affine.forward" is the pair of functions
`forward_equation(step)` (a sympy Eq) and `forward_elements(step, fmt, limit)` (the
element lines with numbers, or None) in the module `present/affine.py`.
"""

from __future__ import annotations

from importlib import import_module

from ...ops.base import presenter


def rule(step) -> tuple:
    """(equation, elements) functions of the rule registered for the step's op and role."""
    module, name = presenter(step.op, step.role).split(".")
    mod = import_module(f"{__name__}.{module}")
    return getattr(mod, f"{name}_equation"), getattr(mod, f"{name}_elements")
