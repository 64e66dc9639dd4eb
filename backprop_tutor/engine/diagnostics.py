"""The warnings of a step (see ops.diagnostics: each op reports its own)."""

from ..ops.diagnostics import LOG_EDGE, SATURATED, Diagnostic, diagnose

__all__ = ["Diagnostic", "diagnose", "LOG_EDGE", "SATURATED"]
