"""The package's layers (``[importlinter]`` in setup.cfg): each imports only from the layers below it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layer_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint), "--config", str(ROOT / "setup.cfg")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_old_import_paths_still_work():
    import extractor.quantities as old
    from extractor.stages import quantities as new
    assert old is new
    from extractor.batch import run_batch  # the flat layout's extractor.batch module
    from extractor.batch.runner import run_batch as moved
    assert run_batch is moved
