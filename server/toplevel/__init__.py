"""vetline: a security linter for AI-written code (language server and CLI).

This folder is installed as the top-level `vetline` package (see `package-dir` in
pyproject.toml); it only carries the version and `python -m vetline`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vetline")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
