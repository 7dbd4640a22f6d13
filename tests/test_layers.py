"""The layers of ARCHITECTURE.md hold: the contracts in `pyproject.toml` (`[tool.importlinter]`) are kept.

The base (`pipeline.base`, `pipeline.settings`, `pipeline.knowledge`, `pipeline.model`) imports nothing of the project;
extractors and normalizers import only the base; pipeline stages never import the flows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_every_layer_contract_is_kept():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_cover_the_base_modules():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert (
        'source_modules = ["pipeline.base", "pipeline.settings", "pipeline.knowledge", "pipeline.model"]'
        in config
    )
