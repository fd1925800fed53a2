"""The indicators path pays only for what runs (issue 20, item 5): ``import proforient`` and the
indicator table (``proforient indicators``) never import scipy — its import alone cost 2.8 s of
7.8 s at region scale, for one normal quantile of the Wilson interval."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from proforient.compute.stats import wilson_interval
from tests.conftest import TINY_MEASURES, TINY_ORGANIZATIONS, write_dataset

PROBE = """
import sys
import proforient
assert 'scipy' not in sys.modules, 'import proforient'
from proforient.cli import main
code = main(['indicators', sys.argv[1], '--output', sys.argv[2]])
assert code == 0, code
from proforient.compute.stats import wilson_interval
wilson_interval([3, 8], [7, 10], confidence=0.9)
loaded = sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.'))
print('scipy modules:', loaded)
"""


def test_import_and_indicators_do_not_import_scipy(tmp_path):
    folder = write_dataset(tmp_path / "d", organizations=TINY_ORGANIZATIONS,
                           measures=TINY_MEASURES)
    done = subprocess.run([sys.executable, "-c", PROBE, str(folder), str(tmp_path / "i.csv")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "scipy modules: []" in done.stdout


def test_wilson_eight_of_ten_by_hand():
    # z = 1.959963984540054 (the 97.5 % normal quantile), z² = 3.841458820694124, n = 10
    # centre = (0.8 + z²/20) / (1 + z²/10) = 0.9920729410347062 / 1.3841458820694124
    # half = z · √(0.8·0.2/10 + z²/400) / (1 + z²/10)
    z2 = 3.841458820694124
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = math.sqrt(z2) * math.sqrt(0.016 + z2 / 400) / (1 + z2 / 10)
    low, high = wilson_interval(8, 10)
    assert (float(low), float(high)) == pytest.approx((centre - half, centre + half), abs=1e-15)
    assert (round(float(low), 4), round(float(high), 4)) == (0.4902, 0.9433)


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.998])
def test_the_quantile_is_scipys(confidence):
    from scipy.stats import norm

    from proforient.compute.stats import _normal_quantile

    assert _normal_quantile(0.5 + confidence / 2) == pytest.approx(
        norm.ppf(0.5 + confidence / 2), rel=1e-15, abs=0)
