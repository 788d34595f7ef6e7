"""The notebooks in notebooks/ run top to bottom on the bundled sample corpus (nbclient), with a kernel
that is this interpreter (a kernelspec written to a temporary JUPYTER_PATH). Marked ``slow`` so they
can be deselected with ``-m "not slow"``; ``make test`` runs them. Committed notebooks carry no outputs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
KERNEL = "extractor-tests"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A kernelspec running ``sys.executable`` and an output folder for the notebooks' files."""
    base = tmp_path_factory.mktemp("jupyter")
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "extractor (tests)", "language": "python"}), encoding="utf-8")
    out = base / "out"
    out.mkdir()
    mp = pytest.MonkeyPatch()
    mp.setenv("JUPYTER_PATH", str(base))
    mp.setenv("EXTRACTOR_NB_OUT", str(out))
    mp.setenv("MPLBACKEND", "Agg")
    mp.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    yield out
    mp.undo()


# A first cell that makes ``extractor.extract`` return the report with hand-built quantities, measures and
# indicators (tests/review_fixture.py), so the notebooks' paths for a full indicator table run too, whatever
# the stages extract today.
WITH_FACTS = """
import sys
sys.path.insert(0, {tests!r})
import extractor, review_fixture
_extract = extractor.extract
def _with_facts(path, password=None):
    rep = _extract(path, password=password)
    data = review_fixture.build(rep.document.text)
    rep.meta = dict(rep.meta, year=2023, region=data["document"]["region"])
    rep.quantity_list, rep.measure_list, rep.indicator_list = data["quantities"], data["measures"], data["indicators"]
    return rep
extractor.extract = _with_facts
""".format(tests=str(ROOT / "tests"))

MODES = ["as-extracted", "with-facts"]


def run_notebook(path: Path, mode: str = "as-extracted") -> "nbformat.NotebookNode":
    nb = nbformat.read(path, as_version=4)
    if mode == "with-facts":
        nb.cells.insert(0, nbformat.v4.new_code_cell(WITH_FACTS))
    client = nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=300, allow_errors=False,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return nb


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _stdout(nb) -> str:
    return "".join(o.get("text", "") for o in _outputs(nb) if o.get("output_type") == "stream")


def test_the_three_notebooks_exist():
    assert [p.name for p in ALL] == ["01-quickstart.ipynb", "02-compare-districts.ipynb", "03-quality-review.ipynb"]


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_committed_notebooks_have_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_quickstart_runs(kernel_env, mode):
    nb = run_notebook(NOTEBOOKS / "01-quickstart.ipynb", mode)
    page = (kernel_env / "zhoucun-review.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="text"' in page
    html_outputs = [o for o in _outputs(nb) if "text/html" in o.get("data", {})]
    assert any(o["data"]["text/html"].startswith("<iframe srcdoc=") for o in html_outputs)  # Report._repr_html_
    if mode == "with-facts":
        out = _stdout(nb)
        assert "12 indicator rows" in out and "【" in out and "test.indicator_" in out


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_compare_districts_runs_and_draws_a_chart(kernel_env, mode):
    png = kernel_env / "compare.png"
    png.unlink(missing_ok=True)
    nb = run_notebook(NOTEBOOKS / "02-compare-districts.ipynb", mode)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    if mode == "with-facts":
        out = _stdout(nb)
        assert "chart: 4 indicators across" in out
        import re
        m = re.search(r"(\d+) of (\d+) rows matched a region code", out)
        assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 12  # every row of every sample report


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_quality_review_runs(kernel_env, mode):
    nb = run_notebook(NOTEBOOKS / "03-quality-review.ipynb", mode)
    out = _stdout(nb)
    if "alias demo:" in out:  # a row explained by an alias: removing it and adding it back restores the row
        assert "back with it: True" in out
    if mode == "with-facts":
        assert "3 of 12 indicator rows below 0.8" in out
        assert "82 of 94 quantities not used by an indicator" in out
