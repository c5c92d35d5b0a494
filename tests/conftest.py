import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_collection_modifyitems(config, items):
    """The real-build suite runs after every other test (a stable sort keeps the rest in order)."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
