"""How wrong would the forecast have been? Hold out the last weeks, forecast them, compare.

`covplan forecast` does not ask a manager to trust a profile: it holds out the
last k whole weeks of the history, forecasts them with each method from the
weeks before (the same training weeks for every method), and reports the
error per channel:

* **WAPE** (weighted absolute percentage error) = Σ|actual − forecast| / Σ actual
  over the held-out hours: 0.2 means the hourly forecast was off by a fifth
  of the volume. Also per hour of the week, where the errors concentrate.
* **spread**, per channel: the relative error of the *rate*,
  √(max(Σ(a − f)² − Σ f, 0) / Σ f²) over the held-out hours. Hourly counts scatter around their rate
  even with a perfect forecast (Poisson, variance = the rate); Erlang C
  already staffs for that scatter, so it is taken out (the Σ f term) and
  what remains is the forecast's own error. `forecast.quantile` plans on
  rate × (1 + z_q · spread), z_q the standard normal quantile.

Methods, each a function of the training counts that returns the next hours:

* ``profile``: the mean of each hour of the week over the training weeks (what
  `covplan forecast` always built);
* ``seasonal_naive``: the last training week again;
* ``mstl`` and ``autoets`` with the optional extra ``[forecast]``
  (statsforecast, Nixtla): MSTL with daily and weekly seasonality (24 and
  168 hours) around an AutoETS trend, and AutoETS with daily seasonality
  (statsforecast's ETS takes seasons up to 24).

The method used for a channel is, by default (``auto``), the one with the
lowest WAPE when the extra is installed, and the weekly profile otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

HOURS_PER_WEEK = 7 * 24
BASIC_METHODS = ("profile", "seasonal_naive")
EXTRA_METHODS = ("mstl", "autoets")
METHODS = BASIC_METHODS + EXTRA_METHODS
AUTO = "auto"


@dataclass(frozen=True)
class MethodError:
    """One method's forecast of the held-out weeks and how far it was from what happened."""

    method: str
    forecast: np.ndarray  # held-out weeks × 168
    wape: float  # over every held-out hour; nan when nothing arrived

    def wape_by_hour(self, actual: np.ndarray) -> np.ndarray:
        """168 values: Σ over held-out weeks of |a − f| / Σ a for each hour of the week (nan where nothing arrived)."""
        arrived = actual.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(arrived > 0, np.abs(actual - self.forecast).sum(axis=0) / arrived, np.nan)


@dataclass(frozen=True)
class ChannelBacktest:
    channel: str
    actual: np.ndarray  # held-out weeks × 168 counts
    errors: tuple[MethodError, ...]  # in METHODS order
    chosen: str
    spread: float  # the chosen method's relative rate error (Poisson scatter taken out)

    def error_of(self, method: str) -> MethodError:
        return next(e for e in self.errors if e.method == method)


@dataclass(frozen=True)
class Backtest:
    """Every channel's backtest over the same held-out weeks."""

    held_out: int  # weeks
    training: int  # weeks before them, given to every method
    channels: tuple[ChannelBacktest, ...]
    methods: tuple[str, ...]  # the methods run
    not_run: str  # why MSTL / AutoETS did not run, or ""

    def of(self, channel: str) -> ChannelBacktest:
        return next(c for c in self.channels if c.channel == channel)


def available_methods() -> tuple[tuple[str, ...], str]:
    """(methods that can run here, why the others cannot)."""
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return BASIC_METHODS, "MSTL and AutoETS need the optional extra: pip install 'covplan[forecast]'"
    return METHODS, ""


def backtest(weekly_counts: dict[str, list[list[int]]], training: int, held_out: int, method: str = AUTO) -> Backtest:
    """Forecast the last `held_out` weeks of each channel from the `training` weeks before them.

    `weekly_counts` is per channel a list of weeks of 168 hourly counts (as
    `HistoryProfile.weekly_counts`), oldest first, with at least
    held_out + training weeks. `method` picks the method used (AUTO: see the
    module docstring); every available method is scored either way.
    """
    methods, not_run = available_methods()
    if method not in (AUTO, *methods):
        raise ValueError(
            f"method {method!r} is not available (expected one of: {', '.join((AUTO, *methods))}){'; ' + not_run if not_run else ''}"
        )
    results = []
    for channel, weeks in weekly_counts.items():
        counts = np.asarray(weeks, dtype=float)
        train = counts[-(held_out + training) : -held_out].ravel()
        actual = counts[-held_out:]
        errors = tuple(_score(name, train, actual) for name in methods)
        chosen = _choose(errors, method, methods)
        best = next(e for e in errors if e.method == chosen)
        results.append(ChannelBacktest(channel, actual, errors, chosen, spread_of(actual, best.forecast)))
    return Backtest(held_out=held_out, training=training, channels=tuple(results), methods=methods, not_run=not_run)


def _score(method: str, train: np.ndarray, actual: np.ndarray) -> MethodError:
    forecast = predict(method, train, actual.size).reshape(actual.shape)
    return MethodError(method, forecast, wape(actual, forecast))


def _choose(errors: tuple[MethodError, ...], method: str, methods: tuple[str, ...]) -> str:
    """The asked method, or under AUTO the lowest WAPE (the profile when only the basic methods can run)."""
    if method != AUTO:
        return method
    if methods == BASIC_METHODS:
        return "profile"
    scored = [e for e in errors if not math.isnan(e.wape)]
    return min(scored, key=lambda e: (e.wape, METHODS.index(e.method))).method if scored else "profile"


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Σ|actual − forecast| / Σ actual; nan when nothing arrived."""
    total = float(actual.sum())
    return float(np.abs(actual - forecast).sum()) / total if total > 0 else math.nan


def spread_of(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Relative error of the rate over every held-out hour, Poisson scatter taken out (module docstring).

    One number per channel: pooled over all hours it is steady even where
    single hours carry a handful of tickets (per hour, a forecast of 0.01
    against one arrival would claim a 100-fold error).
    """
    scale = float((forecast**2).sum())
    if scale <= 0:
        return 0.0
    excess = max(float(((actual - forecast) ** 2).sum()) - float(forecast.sum()), 0.0)
    return round(math.sqrt(excess / scale), 6)


# --------------------------------------------------------------------------- the methods


def predict(method: str, train: np.ndarray, hours: int) -> np.ndarray:
    """The next `hours` hourly counts after `train` (whole weeks of hours), never negative."""
    forecast = _METHODS[method](train, hours)
    return np.clip(np.asarray(forecast, dtype=float), 0.0, None)


def _profile(train: np.ndarray, hours: int) -> np.ndarray:
    mean_week = train.reshape(-1, HOURS_PER_WEEK).mean(axis=0)
    return np.resize(mean_week, hours)


def _seasonal_naive(train: np.ndarray, hours: int) -> np.ndarray:
    return np.resize(train[-HOURS_PER_WEEK:], hours)


def _mstl(train: np.ndarray, hours: int) -> np.ndarray:
    from statsforecast.models import MSTL, AutoETS

    if train.size < 2 * HOURS_PER_WEEK:  # MSTL needs two whole weekly cycles; fall back to the profile
        return _profile(train, hours)
    model = MSTL(season_length=[24, HOURS_PER_WEEK], trend_forecaster=AutoETS(model="ZZN"))
    return model.forecast(y=train, h=hours)["mean"]


def _autoets(train: np.ndarray, hours: int) -> np.ndarray:
    from statsforecast.models import AutoETS

    return AutoETS(season_length=24).forecast(y=train, h=hours)["mean"]


_METHODS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "profile": _profile,
    "seasonal_naive": _seasonal_naive,
    "mstl": _mstl,
    "autoets": _autoets,
}
