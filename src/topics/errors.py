"""Errors a user can act on.

Every error the pipeline raises for bad input is a :class:`TopicsError`: the CLI prints its message on
one line (``error: ...``) and exits with status 2 instead of showing a traceback. Messages name the
file, field or config key and say what to do.
"""


class TopicsError(Exception):
    """Bad input or configuration, with a message that says what to fix."""


class ConfigError(TopicsError, ValueError):
    """A config file has an unknown key, a value of the wrong type, or names a missing file."""


class InputError(TopicsError, ValueError):
    """An input file or table cannot be used (encoding, empty, no CJK text, bad manifest, duplicate ids)."""


class OutputError(TopicsError):
    """A file or folder cannot be written (disk full, read-only folder, no permission), or a run folder is
    not one ``topics`` may write into."""
