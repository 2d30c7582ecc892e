"""mqadvise: decide how systems talk to each other on AWS.

The package is a library first; ``advisor.cli`` is a thin layer over :mod:`advisor.api`.
"""

__version__ = "0.1.0"
