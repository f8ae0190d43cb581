"""The entry point :func:`segment_file`: the rule segmenter (default) or the learned line labeller."""

from __future__ import annotations

from typing import Literal

from .build import segment_rules
from .cues import LayoutLine
from .lines import SegmentResult

METHODS = ("rules", "learned", "hybrid")


def segment_file(text: str | list[LayoutLine], *, source_file: str, drop_speech_formulas: bool = True,
                 method: Literal["rules", "learned", "hybrid"] = "rules") -> SegmentResult:
    """Split one raw text file into clean articles in reading order.

    ``method="rules"`` (default): the rule grammar of :mod:`topics.segment.build`; ``"learned"``: the line
    labeller of :mod:`topics.segment.learned`; ``"hybrid"``: the rules on the file with the lines the labeller
    is sure are page furniture blanked out.  Learned and hybrid read plain text only: lines from a PDF/DOCX
    reader go to the rules, whose headline cues the labeller was not trained on.  See :func:`topics.segment.build.segment_rules` for
    the arguments.
    """
    if method not in METHODS:
        raise ValueError(f"segment method must be one of {METHODS}, not {method!r}")
    if method != "rules" and isinstance(text, str):
        from .learned import segment_hybrid, segment_learned

        run = segment_learned if method == "learned" else segment_hybrid
        return run(text, source_file=source_file, drop_speech_formulas=drop_speech_formulas)
    return segment_rules(text, source_file=source_file, drop_speech_formulas=drop_speech_formulas)
