"""The forecast's error, shown: backtests on histories of known shape, quantile staffing, last year's peaks."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pendulum
import pytest
from helpers import TINY

from coverage.backtest import BASIC_METHODS, backtest, wape
from coverage.cli import main
from coverage.config import Config
from coverage.demand import requirements
from coverage.errors import InputError
from coverage.forecast import build_forecast, forecast_yaml, load_volumes
from coverage.synthetic import hourly_shape, ticket_history, write_ticket_history

WEEK = 7 * 24
SHAPE = np.array([hourly_shape(h % 24, h // 24) for h in range(WEEK)])


def planted(weeks: int, weekly: float, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(hourly counts, the planted weekly shape): weeks × 168 counts, Poisson around the shape with rate noise."""
    rng = np.random.default_rng(seed)
    shape = weekly * SHAPE / SHAPE.sum()
    return rng.poisson(shape * np.clip(1 + noise * rng.standard_normal((weeks, WEEK)), 0, None)), shape


def test_a_planted_weekly_shape_backtests_near_the_best_possible_wape() -> None:
    counts, shape = planted(weeks=10, weekly=20_000, noise=0.1, seed=11)
    result = backtest({"chat": counts.tolist()}, training=8, held_out=2, method="profile")
    chat = result.of("chat")
    # knowing the planted shape is the best a weekly forecast can do; the noise and Poisson scatter stay
    oracle = wape(counts[-2:].astype(float), np.tile(shape, (2, 1)))
    assert (result.held_out, result.training, round(oracle, 3)) == (2, 8, 0.1)
    assert chat.error_of("profile").wape < 1.1 * oracle and chat.error_of("profile").wape < 0.12
    assert chat.error_of("seasonal_naive").wape > chat.error_of("profile").wape  # one week is a noisier estimate than eight
    assert 0.05 < chat.spread < 0.2  # the planted 10 % rate noise plus the profile's own estimation error


def test_a_shifted_shape_is_caught_by_the_backtest() -> None:
    # the last two weeks move every hour eight hours later: the profile of the old weeks must score badly
    counts, _ = planted(weeks=10, weekly=20_000, noise=0.0, seed=5)
    steady = backtest({"chat": counts.tolist()}, training=8, held_out=2, method="profile").of("chat").error_of("profile").wape
    counts[-2:] = np.roll(counts[-2:], 8, axis=1)
    shifted = backtest({"chat": counts.tolist()}, training=8, held_out=2, method="profile").of("chat").error_of("profile").wape
    assert steady < 0.1 and shifted > 4 * steady


def test_wape_by_hour_and_forecast_csv(
    make_config: Callable[..., Config], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_config()
    history = write_ticket_history(tmp_path / "history.csv", ticket_history(date(2026, 9, 28), 4, {"chat": 300}, seed=2))
    out = tmp_path / "fc"
    assert (
        main(["forecast", str(history), "--config", str(config.source), "--out", str(out), "--weeks", "2", "--method", "profile"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "backtest: the last 2 week(s) forecast from the 2 before them" in printed and "chat: profile " in printed
    with (out / "forecast.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    methods = {row["method"] for row in rows}
    assert methods >= set(BASIC_METHODS) and len(rows) == len(methods) * WEEK
    profile = [row for row in rows if row["method"] == "profile"]
    assert {row["used"] for row in profile} == {"yes"}
    actual = sum(float(row["actual"]) for row in profile)
    error = sum(float(row["abs_error"]) for row in profile)
    assert float(profile[0]["wape"]) == pytest.approx(error / actual, abs=1e-3)
    busy = max(profile, key=lambda row: float(row["actual"]))
    assert float(busy["wape_hour"]) == pytest.approx(float(busy["abs_error"]) / float(busy["actual"]), abs=1e-3)
    assert float(busy["abs_error"]) >= abs(float(busy["actual"]) - float(busy["forecast"])) - 1e-3
    with (out / "profile.csv").open(newline="") as stream:
        assert next(csv.reader(stream)) == ["channel", "weekday", "hour", "share", "spread"]
    assert "# quantile: 0.8" in (out / "forecast.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("method", ["mstl", "autoets"])
def test_statsforecast_methods_are_scored_and_can_be_chosen(method: str) -> None:
    pytest.importorskip("statsforecast", reason="the [forecast] extra is not installed")
    counts, _ = planted(weeks=5, weekly=5_000, noise=0.05, seed=3)
    result = backtest({"chat": counts.tolist()}, training=3, held_out=2, method=method)
    chat = result.of("chat")
    assert result.methods == ("profile", "seasonal_naive", "mstl", "autoets") and chat.chosen == method
    assert 0 < chat.error_of(method).wape < 1 and chat.error_of(method).forecast.shape == (2, WEEK)
    auto = backtest({"chat": counts.tolist()}, training=3, held_out=2).of("chat")
    assert auto.chosen == min(auto.errors, key=lambda e: e.wape).method


def test_without_the_extra_auto_is_the_profile_and_mstl_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import coverage.backtest as module

    monkeypatch.setattr(module, "available_methods", lambda: (BASIC_METHODS, "MSTL and AutoETS need the optional extra"))
    counts, _ = planted(weeks=4, weekly=1_000, noise=0.0, seed=1)
    counts[-1] = counts[-2]  # seasonal naive scores perfectly on the last week ...
    assert backtest({"chat": counts.tolist()}, training=2, held_out=1).of("chat").chosen == "profile"  # ... the default stays
    with pytest.raises(ValueError, match="method 'mstl' is not available .*optional extra"):
        backtest({"chat": counts.tolist()}, training=2, held_out=1, method="mstl")


# --------------------------------------------------------------------------- forecast.quantile


def quantile_config(
    make_config: Callable[..., Config], tmp_path: Path, quantile: float | None, spread: float | None = 0.25
) -> Config:
    lines = ["channel,weekday,hour,share" + (",spread" if spread is not None else "")]
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        lines += [f"chat,{day},{h},1" + (f",{spread}" if spread is not None else "") for h in range(24)]
    (tmp_path / "profile.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    section = "forecast:\n  profile: profile.csv\n  timezone: UTC\n  weekly_volume: {chat: 1680}\n"
    if quantile is not None:
        section += f"  quantile: {quantile}\n"
    return make_config(TINY.replace("forecast:\n  file: forecast.csv\n  timezone: UTC\n", section))


def test_quantile_pinned_on_a_hand_case(make_config: Callable[..., Config], tmp_path: Path) -> None:
    # 10 chats an hour, spread 0.25: the 80th percentile is 10 × (1 + 0.8416 × 0.25) = 12.104
    volume = load_volumes(quantile_config(make_config, tmp_path, 0.8)).volume["chat"]
    assert volume[0] == pytest.approx(10 * (1 + 0.841621 * 0.25), abs=1e-4)
    assert load_volumes(quantile_config(make_config, tmp_path, 0.5)).volume["chat"][0] == pytest.approx(10)
    assert load_volumes(quantile_config(make_config, tmp_path, None)).volume["chat"][0] == pytest.approx(10)


def test_quantile_raises_requirements_monotonically(make_config: Callable[..., Config], tmp_path: Path) -> None:
    totals = []
    previous = None
    for quantile in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
        required = requirements(quantile_config(make_config, tmp_path, quantile)).required["chat"]
        if previous is not None:
            assert all(now >= before for now, before in zip(required, previous))
        previous = required
        totals.append(sum(required))
    assert totals[-1] > totals[0]


def test_quantile_needs_a_spread(make_config: Callable[..., Config], tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"profile.csv:1: header: forecast.quantile 0.8 needs the forecast's error: a column spread"
    ):
        load_volumes(quantile_config(make_config, tmp_path, 0.8, spread=None))
    with pytest.raises(InputError, match=r"forecast: 'quantile' needs a 'profile' forecast"):
        make_config(TINY.replace("  timezone: UTC\nsites", "  timezone: UTC\n  quantile: 0.8\nsites"))


# --------------------------------------------------------------------------- last year's peaks


def test_a_year_of_history_carries_last_years_q4_uplift(make_config: Callable[..., Config], tmp_path: Path) -> None:
    # one ticket an hour for 62 weeks to Sun 2026-09-06, two an hour over last year's Q4
    config = make_config()
    first = date(2025, 6, 30)
    tickets = []
    for hour in range(62 * WEEK):
        instant = pendulum.datetime(first.year, first.month, first.day, tz="UTC").add(hours=hour)
        copies = 2 if date(2025, 10, 1) <= instant.date() <= date(2025, 12, 31) else 1
        tickets += [(instant.add(minutes=10 * k), "chat") for k in range(copies)]
    built = build_forecast(tickets, config, 8, 2, tmp_path / "h.csv", "profile")
    assert built.history.weekly_volume == {"chat": 168}
    november = next(u for u in built.uplifts if u.start <= date(2026, 11, 2) <= u.end)
    assert (november.factor, november.start, november.end) == (2.0, date(2026, 10, 5), date(2026, 12, 27))
    assert [(u.start, u.factor) for u in built.uplifts] == [
        (date(2026, 9, 28), 1.71),
        (date(2026, 10, 5), 2.0),
        (date(2026, 12, 28), 1.43),
    ]
    # the section pasted into a plan for the first week of November 2026: twice the profile's volume
    (tmp_path / "profile.csv").write_text(
        "channel,weekday,hour,share\n"
        + "".join(f"chat,{d},{h},1\n" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") for h in range(24)),
        encoding="utf-8",
    )
    section = forecast_yaml(built.history, "h.csv", built=built)
    text = TINY.replace("forecast:\n  file: forecast.csv\n  timezone: UTC\n", section[section.index("forecast:") :])
    november_plan = make_config(
        text.replace("start: 2026-12-07", "start: 2026-11-02").replace("America/New_York\n  interval", "UTC\n  interval")
    )
    assert sum(load_volumes(november_plan).volume["chat"]) == pytest.approx(2 * 168)
    september_plan = make_config(
        text.replace("start: 2026-12-07", "start: 2026-09-14").replace("America/New_York\n  interval", "UTC\n  interval")
    )
    assert sum(load_volumes(september_plan).volume["chat"]) == pytest.approx(168)


def test_less_than_a_year_of_history_adds_no_multipliers(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config()
    start = pendulum.datetime(2026, 3, 2, tz="UTC")
    tickets = [(start.add(hours=h), "chat") for h in range(40 * WEEK)]
    built = build_forecast(tickets, config, 8, 2, tmp_path / "h.csv", "profile")
    assert built.uplifts == [] and "multipliers: []" in forecast_yaml(built.history, "h.csv", built=built)
    assert not math.isnan(built.backtest.of("chat").error_of("profile").wape)
    assert timedelta(days=7 * built.history_weeks) == timedelta(weeks=40)
