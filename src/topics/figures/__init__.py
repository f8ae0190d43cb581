"""Figures: plot functions that only draw (:mod:`~topics.figures.plots`), multi-panel figures and saving
(:mod:`~topics.figures.panels`), the offline interactive page (:mod:`~topics.figures.interactive`), the journal
style with the CJK font (:mod:`~topics.figures.style`), and the stage's work (:mod:`~topics.figures.draw`).

Example
-------
>>> from topics.figures.draw import draw_figures
>>> draw_figures(Path("results/sample"), cfg.figures, cfg.compare)  # doctest: +SKIP
"""
