"""Control chart constants for subgroup sizes n = 2..25, as published (ASTM STP-15D; Montgomery,
"Introduction to Statistical Quality Control", appendix VI). Values are exact `Decimal`s of the
printed table, so every limit computed from them is reproducible by hand.

- X-bar/R: A2, D3, D4, d2 (sigma within = R-bar / d2).
- X-bar/S: A3, B3, B4, c4 (sigma within = s-bar / c4).
- Individuals/moving range: E2 = 3 / d2(2) = 2.660 and D4(2) = 3.267 for the moving range of 2.

`tests/unit/test_spc_constants.py` re-derives every column from the normal distribution, so a
typo in this table fails a test.

The printed table rounds (E2 = 2.660 is 3 / 1.128, while 3 / d2(2) = 2.6587...), so limits computed from it
disagree with the chart's own sigma within. The charts therefore use `d2`, `d3` and `c4` below, exact to
the digits given: d2(2) = 2 / sqrt(pi) and d3(2) = sqrt(2 - 4 / pi) to 28 digits, c4 from the gamma function,
d2 and d3 for n >= 3 by numerical integration of the range of n standard normal values (d2 to 7 decimals,
d3 to 5), and every limit is centre +- 3 sigma of the plotted statistic.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ChartConstants:
    n: int
    A2: Decimal
    A3: Decimal
    c4: Decimal
    B3: Decimal
    B4: Decimal
    d2: Decimal
    d3: Decimal
    D3: Decimal
    D4: Decimal
    E2: Decimal


#  n     A2      A3      c4       B3      B4      d2      d3      D3      D4      E2
_TABLE = """
2   1.880   2.659   0.7979   0       3.267   1.128   0.853   0       3.267   2.660
3   1.023   1.954   0.8862   0       2.568   1.693   0.888   0       2.574   1.772
4   0.729   1.628   0.9213   0       2.266   2.059   0.880   0       2.282   1.457
5   0.577   1.427   0.9400   0       2.089   2.326   0.864   0       2.114   1.290
6   0.483   1.287   0.9515   0.030   1.970   2.534   0.848   0       2.004   1.184
7   0.419   1.182   0.9594   0.118   1.882   2.704   0.833   0.076   1.924   1.109
8   0.373   1.099   0.9650   0.185   1.815   2.847   0.820   0.136   1.864   1.054
9   0.337   1.032   0.9693   0.239   1.761   2.970   0.808   0.184   1.816   1.010
10  0.308   0.975   0.9727   0.284   1.716   3.078   0.797   0.223   1.777   0.975
11  0.285   0.927   0.9754   0.321   1.679   3.173   0.787   0.256   1.744   0.945
12  0.266   0.886   0.9776   0.354   1.646   3.258   0.778   0.283   1.717   0.921
13  0.249   0.850   0.9794   0.382   1.618   3.336   0.770   0.307   1.693   0.899
14  0.235   0.817   0.9810   0.406   1.594   3.407   0.763   0.328   1.672   0.881
15  0.223   0.789   0.9823   0.428   1.572   3.472   0.756   0.347   1.653   0.864
16  0.212   0.763   0.9835   0.448   1.552   3.532   0.750   0.363   1.637   0.849
17  0.203   0.739   0.9845   0.466   1.534   3.588   0.744   0.378   1.622   0.836
18  0.194   0.718   0.9854   0.482   1.518   3.640   0.739   0.391   1.609   0.824
19  0.187   0.698   0.9862   0.497   1.503   3.689   0.734   0.403   1.597   0.813
20  0.180   0.680   0.9869   0.510   1.490   3.735   0.729   0.415   1.585   0.803
21  0.173   0.663   0.9876   0.523   1.477   3.778   0.724   0.425   1.575   0.794
22  0.167   0.647   0.9882   0.534   1.466   3.819   0.720   0.434   1.566   0.786
23  0.162   0.633   0.9887   0.545   1.455   3.858   0.716   0.443   1.557   0.778
24  0.157   0.619   0.9892   0.555   1.445   3.895   0.712   0.451   1.548   0.770
25  0.153   0.606   0.9896   0.565   1.435   3.931   0.708   0.459   1.541   0.763
"""

MIN_N = 2
MAX_N = 25


def _parse(table: str) -> dict[int, ChartConstants]:
    rows: dict[int, ChartConstants] = {}
    for line in table.strip().splitlines():
        n, *values = line.split()
        rows[int(n)] = ChartConstants(int(n), *(Decimal(v) for v in values))
    return rows


CONSTANTS: dict[int, ChartConstants] = _parse(_TABLE)


def constants(n: int) -> ChartConstants:
    """The constants for subgroup size `n`; ValueError outside 2..25."""
    try:
        return CONSTANTS[n]
    except KeyError:
        raise ValueError(f"subgroup size must be between {MIN_N} and {MAX_N}, not {n}") from None


PI = Decimal("3.141592653589793238462643383")

#  n: d2 (7 decimals), d3 (5 decimals), from the integrals E[R] = int 1 - F^n - (1 - F)^n dx and
#  E[R^2] = 2 int int_{y > x} 1 - F(y)^n - (1 - F(x))^n + (F(y) - F(x))^n dy dx
_EXACT = """
3 1.6925688 0.88837
4 2.0587507 0.87981
5 2.3259289 0.86408
6 2.5344127 0.84804
7 2.7043568 0.83321
8 2.8472006 0.81983
9 2.9700263 0.80784
10 3.0775055 0.79705
11 3.1728727 0.78732
12 3.2584553 0.77848
13 3.3359804 0.77042
14 3.4067631 0.76302
15 3.4718269 0.75621
16 3.5319828 0.74991
17 3.5878840 0.74405
18 3.6400638 0.73859
19 3.6889630 0.73348
20 3.7349501 0.72869
21 3.7783358 0.72418
22 3.8193846 0.71992
23 3.8583234 0.71589
24 3.8953481 0.71207
25 3.9306292 0.70844
"""
_D2 = {2: 2 / PI.sqrt()}
_D3 = {2: (2 - 4 / PI).sqrt()}
for _line in _EXACT.strip().splitlines():
    _n, _d2, _d3 = _line.split()
    _D2[int(_n)], _D3[int(_n)] = Decimal(_d2), Decimal(_d3)


def _check(n: int) -> None:
    if not MIN_N <= n <= MAX_N:
        raise ValueError(f"subgroup size must be between {MIN_N} and {MAX_N}, not {n}")


def d2(n: int) -> Decimal:
    """Expected range of n standard normal values (sigma = mean range / d2)."""
    _check(n)
    return _D2[n]


def d3(n: int) -> Decimal:
    """Standard deviation of the range of n standard normal values (sigma of R = d3 x sigma)."""
    _check(n)
    return _D3[n]


def c4(n: int) -> Decimal:
    """Expected sample standard deviation of n standard normal values (sigma = mean s / c4)."""
    _check(n)
    if n == 2:
        return (2 / PI).sqrt()
    return Decimal(repr(math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))))
