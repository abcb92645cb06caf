import datetime as dt
import subprocess
import sys

import matplotlib.dates as mdates
import matplotlib.image as mpimg
import pytest
from matplotlib.figure import Figure

from stance.charts import OKABE_ITO, heatmap_change, heatmap_current, save_png, timeline_figure, truncate
from stance.shifts import ShiftConfig, detect_shifts
from stance.synthetic import make_demo_statements

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo():
    df = make_demo_statements()
    return df, detect_shifts(df, config=ShiftConfig(n_boot=300))


def _as_date(x):
    return x.date() if isinstance(x, dt.datetime) else mdates.num2date(x).date()


def _check_png(path, *, min_w, min_h):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert 5_000 < len(data) < 2_000_000
    height, width = mpimg.imread(path).shape[:2]
    assert width >= min_w and height >= min_h


@pytest.mark.parametrize("actor", ["Iran", "Russia"])
def test_timeline_renders_with_shift_markers(demo, actor, tmp_path):
    df, shifts = demo
    fig = timeline_figure(df, actor, shifts=shifts)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    mine = [s for s in shifts if s.actor == actor]
    assert mine, "the demo data has a shift for each actor"
    verticals = {_as_date(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == "--"}
    assert verticals == {s.date for s in mine}
    notes = " ".join(t.get_text() for t in ax.texts)
    assert all(truncate(s.after_quotes[0].text) in notes for s in mine)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert fig.legends
    path = save_png(fig, tmp_path / "sub" / f"{actor}.png")
    _check_png(path, min_w=800, min_h=400)


def test_timeline_uses_okabe_ito_per_target(demo):
    df, shifts = demo
    ax = timeline_figure(df, "Iran", shifts=shifts).axes[0]
    colours = {line.get_color() for line in ax.lines if not line.get_label().startswith("_")}
    assert colours and colours <= set(OKABE_ITO)


def test_timeline_for_actor_without_statements(demo, tmp_path):
    df, _ = demo
    _check_png(save_png(timeline_figure(df, "Nobody"), tmp_path / "none.png"), min_w=800, min_h=400)


@pytest.mark.parametrize("kind", ["current", "change"])
def test_heatmaps_render(demo, kind, tmp_path):
    df, shifts = demo
    fig = heatmap_current(df) if kind == "current" else heatmap_change(df, shifts)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 2 * 2  # Iran, Russia x Assad government, Syrian opposition
    if kind == "change":
        assert any(f"{s.delta:+.2f}" in t for s in shifts for t in texts)
    _check_png(save_png(fig, tmp_path / f"{kind}.png"), min_w=400, min_h=250)


def test_charts_do_not_import_pyplot():
    code = "import sys, stance.charts, stance.report; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text,limit,expected_len", [("short", 60, 5), ("x" * 100, 60, 60), ("a  b\nc", 60, 5)])
def test_truncate(text, limit, expected_len):
    assert len(truncate(text, limit)) == expected_len


def test_emerging_shift_is_drawn_apart(demo):
    import dataclasses

    df, shifts = demo
    confirmed = [s for s in shifts if s.actor == "Iran"]
    emerging = dataclasses.replace(confirmed[0], status="emerging", note="emerging: the new side rests on 1 article")
    fig = timeline_figure(df, "Iran", shifts=[emerging, *confirmed[1:]])
    ax = fig.axes[0]
    dotted = {_as_date(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == ":"}
    dashed = {_as_date(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == "--"}
    assert dotted == {emerging.date} and dashed == {s.date for s in confirmed[1:]}
    assert any("(emerging)" in t.get_text() for t in ax.texts)
    cells = " ".join(t.get_text() for t in heatmap_change(df, [emerging]).axes[0].texts)
    assert "emerging" in cells
