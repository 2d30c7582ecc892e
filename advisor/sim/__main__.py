"""``python -m advisor.sim up|down|status|demo``; in a generated project, ``python tests/localaws ...``."""

import sys
from pathlib import Path

if not __package__:        # run as a folder (python tests/localaws): import the package from its parent folder
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from advisor.sim.command import main  # noqa: E402 - after the path fix above

sys.exit(main())
