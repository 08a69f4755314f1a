"""`python -m studio.preflight [FOLDER]`: check the compliance rule packs after editing them (a bad rule names its
file and field, exit status 1); the planning packs are checked by `python -m studio.planning`."""

from __future__ import annotations

import sys
from pathlib import Path

from studio.model.errors import StudioError
from studio.planning.knowledge import load_knowledge
from studio.planning.platform_specs import load_platforms
from studio.preflight.compliance import load_rules


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        root = load_knowledge(Path(args[0]) if args else None).root
        rules = load_rules(root)
        platforms = load_platforms()
    except StudioError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"compliance: {len(rules.rules)} rules in {len(set(rules.files.values()))} files under {root}: all valid.")
    print("platforms:  " + ", ".join(platforms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
