"""slimfix: rewrites Dockerfiles so images get slimmer and rebuilds faster, safely."""

from slimfix.cst import Dockerfile, Instruction, parse, parse_instruction
from slimfix.errors import SlimfixError, SlimfixSyntaxError

__version__ = "0.1.0"

__all__ = [
    "Dockerfile",
    "Instruction",
    "SlimfixError",
    "SlimfixSyntaxError",
    "__version__",
    "parse",
    "parse_instruction",
]
