"""flasklint: a linter for Flask applications, after the book *Explore Flask*."""

__version__ = "0.1.0"
