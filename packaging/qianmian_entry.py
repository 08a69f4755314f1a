"""Entry point of the PyInstaller build: `--self-test` runs the headless self-test, anything else the normal CLI."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    if "--self-test" in sys.argv[1:]:
        from studio.selftest import run

        return run([a for a in sys.argv[1:] if a != "--self-test"])
    from studio.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
