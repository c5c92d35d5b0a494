"""A tiny command-line greeter whose Dockerfile already follows best practice."""

import sys

from markupsafe import escape


def greet(name: str) -> str:
    return f"<p>Hello, {escape(name)}!</p>"


if __name__ == "__main__":
    print(greet(sys.argv[1] if len(sys.argv) > 1 else "world"))
