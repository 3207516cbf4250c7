"""``python -m minutes.cli``: the ``minutes`` command."""

from minutes.cli import main

if __name__ == "__main__":  # pragma: no cover - not when a spawned worker imports this module
    main()
