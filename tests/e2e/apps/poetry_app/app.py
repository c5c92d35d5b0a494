"""Prints a byte count the way a person would say it."""

import sys

import humanize


def describe(size: int) -> str:
    return humanize.naturalsize(size, binary=True)


if __name__ == "__main__":
    print(describe(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
