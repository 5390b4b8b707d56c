"""Flashpoint's version, in a module that imports nothing.

Why apart from ``flashpoint/__init__.py``: modules the pipeline imports (the fetcher's
User-Agent) need the version, and the package's ``__init__`` reaches the pipeline (its lazy
``extract``); reading the version from there made the two import each other (spaCy keeps its
version in ``about.py`` for the same reason). ``flashpoint.__version__`` is this value.
"""

__version__ = "0.1.0"
