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


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.find_modules_directly_imported_by(w)))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_cycles_between_modules():
    """No two modules import each other, directly or through others, at module level or lazily (grimp sees
    imports inside functions too). A package's ``__init__`` importing its own modules is not a cycle here
    unless a module imports the package back."""
    import grimp
    graph = grimp.build_graph("extractor", include_external_packages=False)
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    class G:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, m):
            return self.edges.get(m, set())
    assert _cycles(G()) == [["a", "b", "c"]]


def test_the_environment_is_read_only_in_settings():
    """Stages take a Settings object; ``os.environ`` / ``os.getenv`` appear only in core/settings.py."""
    import re
    pattern = re.compile(r"\bos\.environ\b|\bgetenv\s*\(|\benviron\.get\s*\(")
    offenders = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "extractor/core/settings.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
