"""The built wheel: everything under the ``kg`` namespace, data files included, and a demo
that runs from the installed files (not the source tree) in another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True, capture_output=True, text=True,
    )
    (built,) = out.glob("kg-*.whl")
    return built


def _repo_files(folder: str, pattern: str) -> set[str]:
    return {str(p.relative_to(REPO / folder)) for p in (REPO / folder).glob(pattern) if p.is_file()}


def test_wheel_has_only_the_kg_namespace_and_all_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"kg", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1]
                                                + ".dist-info"}
    packaged = set(names)
    for folder, target, pattern in (("cypher", "kg/cypher", "**/*.cypher"), ("schema", "kg/schema", "**/*.toml"),
                                    ("schema", "kg/schema", "*.tsv"), ("extractors", "kg/extractors", "*.py")):
        missing = {f for f in _repo_files(folder, pattern) if f"{target}/{f}" not in packaged}
        assert not missing, f"{folder}/ files missing from the wheel: {sorted(missing)}"
    assert "kg/samples/manifest.csv" in packaged


def test_installed_wheel_runs_the_demo_elsewhere(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "KG_NEO4J_URI": ""}
    where = subprocess.run([sys.executable, "-c", "import kg, kg.extractors.policy as p; print(kg.__file__, p.__file__)"],
                           cwd=work, env=env, check=True, capture_output=True, text=True).stdout
    assert where.count(str(target)) == 2, where
    demo = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "demo", "--store",
                           str(work / "store")], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "3 issue(s) loaded, 0 failed" in demo.stdout
