"""The lossless Dockerfile tree: nodes, parser and BuildKit's semantic view."""

from slimfix.cst.nodes import (
    Continuation,
    Dockerfile,
    Header,
    Heredoc,
    Instruction,
    Line,
    Node,
    Stage,
)
from slimfix.cst.parser import parse, parse_instruction

__all__ = [
    "Continuation",
    "Dockerfile",
    "Header",
    "Heredoc",
    "Instruction",
    "Line",
    "Node",
    "Stage",
    "parse",
    "parse_instruction",
]
