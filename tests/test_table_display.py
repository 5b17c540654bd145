"""write_table(show=True) shows the readable table below a notebook cell (the regression layout)."""

import IPython.display
import pandas as pd

from clusterstudy.publish import figures
from clusterstudy.publish.tables import write_table

REG = pd.DataFrame({"model": ["(1)", "(1)"], "term": ["hhi", "Intercept"], "coef": [0.25, 1.0],
                    "se": [0.1, 0.2], "p": [0.012, 0.0001], "n": [120, 120]})


def test_regression_table_is_shown_in_the_economists_layout(project_copy, monkeypatch):
    shown = []
    monkeypatch.setattr(figures, "_in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    write_table(REG, "shown", caption="A model", show=True)
    assert len(shown) == 1 and isinstance(shown[0], IPython.display.Markdown)
    text = shown[0].data
    assert text == (project_copy / "tables" / "shown.md").read_text()
    assert "0.250**" in text and "(0.100)" in text and "Herfindahl" in text and "NaN" not in text


def test_nothing_is_shown_unless_asked_or_outside_a_kernel(project_copy, monkeypatch):
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(figures, "_in_kernel", lambda: True)
    write_table(REG, "quiet", caption="A model")
    monkeypatch.setattr(figures, "_in_kernel", lambda: False)
    write_table(REG, "outside", caption="A model", show=True)
    assert shown == []
