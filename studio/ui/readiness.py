"""Moved to `studio.stages.readiness` (Qt-free, shared by the CLI and the app); kept so old imports still work."""

import sys

from studio.stages import readiness as _moved

sys.modules[__name__] = _moved  # the same module object: names, private helpers and monkeypatching all agree
