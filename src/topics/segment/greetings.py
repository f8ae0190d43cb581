"""A salutation under a finished paragraph opens the next speech, one printed with no title.

In a compilation of speeches a text may open with its salutation alone (尊敬的各位领导、同志们：) right under the
end of the text before.  A salutation that stands inside a speech is of two shapes only: right under the
speech's own salutation (各位领导，同志们： | 同志们：) or a report to a congress addressing its delegates again
before a new part (各位代表：).  Development (compilation and TRAIN speeches, seeds 30-49; salutations under a
finished paragraph inside a text as segmented before): 7 texts open so, 0 salutations of another shape stand
inside a text; 各位代表： under a finished paragraph stands inside its report 6 times of 6 and under another
salutation 8 times of 8."""

from __future__ import annotations

import re

from topics import clean as C

from .units import Unit

# a report re-addresses the congress's delegates before each part: no opener
_DELEGATES = re.compile(r"^各位代表[：:]$")


def mark_headless_speeches(units: list[Unit]) -> int:
    """Mark (``start``) each salutation unit standing right under a paragraph that ends a sentence, unless it
    addresses delegates.  Returns how many were marked."""
    n = 0
    for above, u in zip(units, units[1:]):
        if (u.kind == "greeting" and not u.start and above.kind == "para" and C.is_terminated(above.text)
                and not C.is_formula(above.text) and not _DELEGATES.match(u.text.strip())):
            u.start = True
            n += 1
    return n
