"""The wheel behaves like the checkout: build it, install it into a fresh venv outside the checkout, and diff its
JSON with the editable install's on the Zhoucun report (txt, pdf, docx) and two provincial reports.

Offline and quick: the wheel is built without build isolation (setuptools of the dev venv) from a copy of the
package files in a temporary folder (the checkout gets no build/ or egg-info); the fresh venv has no pip and sees
the dev venv's site-packages through a ``.pth`` file for its dependencies only (the editable install's finder
there is not run, so ``extractor`` comes from the wheel); the wheel is installed with ``--no-deps --no-index``.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

PROVINCES = ["2026_北京市_政府工作报告.csv", "2026_广东省_政府工作报告.csv"]


def _run(cmd, cwd, env=None, timeout=600):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert p.returncode == 0, f"{cmd}: exit {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-4000:]}"
    return p.stdout


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for f in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / f, src / f)
    shutil.copytree(ROOT / "extractor", src / "extractor", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", dist, src], cwd=tmp)
    (whl,) = dist.glob("extractor-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    py = venv / "bin" / "python"
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).strip())
    (site / "_dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", "-q", whl], cwd=tmp)
    return tmp, venv, whl


def test_wheel_ships_the_models_and_data(wheel_venv):
    tmp, venv, whl = wheel_venv
    names = set(zipfile.ZipFile(whl).namelist())
    for model in ("part", "sentence_type", "indicator_fazhi", "indicator_economy"):
        for f in ("card.json", "model.json", "model.npz"):
            assert f"extractor/data/models/{model}/{f}" in names
    assert "extractor/data/segment/userdict.txt" in names
    code = ("import extractor, sys; from extractor.ml import models; "
            "print(extractor.__file__); print(models.get('part') is not None)")
    out = _run([venv / "bin" / "python", "-c", code], cwd=tmp).split()
    assert Path(out[0]).is_relative_to(venv) and not Path(out[0]).is_relative_to(ROOT)
    assert out[1] == "True"


def _inputs(tmp: Path, shared: Path | None) -> list[Path]:
    docs = tmp / "docs"
    docs.mkdir(exist_ok=True)
    txt = ROOT / "corpora" / "sample" / "zhoucun-2023.txt"
    out = [txt, ROOT / "tests" / "fixtures" / "pdf" / "zhoucun-lo.pdf"]
    import docx  # python-docx: the Zhoucun report as a Word file, one paragraph per line
    d = docx.Document()
    for line in txt.read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(docs / "zhoucun-2023.docx")
    out.append(docs / "zhoucun-2023.docx")
    if shared is not None:
        csv.field_size_limit(sys.maxsize)
        for name in PROVINCES:
            p = shared / "corpora" / "external" / "provincial-gwr-2026" / name
            if p.is_file():
                with p.open(encoding="utf-8-sig", newline="") as f:
                    row = next(csv.DictReader(f))
                t = docs / (p.stem + ".txt")
                t.write_text(row["full_text"], encoding="utf-8")
                out.append(t)
    return out


def test_wheel_output_equals_the_editable_install(wheel_venv, request):
    tmp, venv, _ = wheel_venv
    shared = Path(os.environ.get("EXTRACTOR_SHARED", ROOT.parent / "shared"))
    paths = _inputs(tmp, shared if (shared / "corpora" / "external").is_dir() else None)
    elsewhere = tmp / "cwd"
    elsewhere.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    editable = Path(sys.executable).parent / "extractor"
    for path in paths:
        a = json.loads(_run([venv / "bin" / "extractor", "extract", path, "--format", "json"], cwd=elsewhere, env=env))
        b = json.loads(_run([editable, "extract", path, "--format", "json"], cwd=ROOT, env=env))
        assert a == b, f"{path.name}: the wheel's JSON differs from the editable install's"
        assert a["indicators"] or path.suffix != ".txt" or "synthetic" in path.name, path.name
    if len(paths) < 5:
        pytest.skip(f"compared {len(paths)} documents; the provincial reports need ../shared")
