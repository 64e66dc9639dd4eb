"""The shape the architecture promises: small modules and functions, and no dispatch
on an op's name or a step's role outside `ops/` (each op registers its own rules)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "backprop_tutor"
MAX_MODULE, MAX_FUNCTION = 400, 60


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE}
    assert not long, long


def test_no_function_over_60_lines():
    long = {}
    for p in modules():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION:
                    long[f"{p.relative_to(PACKAGE)}:{node.lineno} {node.name}"] = n
    assert not long, long


DISPATCH = re.compile(r"""(op\.name\s*[!=]=\s*["']|getattr\([^)]*op[^)]*"name"\)\s*[!=]=|\brole\s*[!=]=\s*["']|\brole\s+(not\s+)?in\s*\(|\.kind\s*[!=]=\s*["'](linear|binary_linear)|isinstance\([^)]*(SignSTE|Sigmoid|ReLU|Softmax|BinaryLinear|Linear|PReLU)\b)""")


def test_no_dispatch_on_op_names_or_roles_outside_ops():
    found = []
    for p in modules():
        rel = p.relative_to(PACKAGE)
        if rel.parts[0] == "ops" or rel.name == "step.py":
            continue
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if DISPATCH.search(line):
                found.append(f"{rel}:{i}: {line.strip()}")
    assert not found, "\n".join(found)


def test_nothing_parses_display_symbols():
    found = []
    for p in modules():
        text = p.read_text(encoding="utf-8")
        for i, line in enumerate(text.splitlines(), 1):
            if 'split("/∂")' in line or "split('/∂')" in line or 'key.startswith("dL/d' in line:
                found.append(f"{p.relative_to(PACKAGE)}:{i}: {line.strip()}")
    assert not found, "\n".join(found)
