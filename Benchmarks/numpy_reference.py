#!/usr/bin/env python3
"""A plain, vectorised NumPy implementation of the BudgetRisk model, for benchmarking.

It simulates the same model as the Swift engine (docs/engine.md) for scenarios like
scenarios/benchmarks/server-scale.yaml, the way an analyst would write it in NumPy:
vectorised across iterations, a Python loop over periods only where the budget ledger needs
one (the `ration` response, whose rationing of prevention feeds back into later demand).
It uses NumPy's default generator, so its draws differ from the engine's Philox streams:
the two agree in distribution, not path by path.

Supported: event services (fixed, gamma, lognormal, normal severities; Poisson or negative
binomial counts), seasonality, every factor role and distribution, a rank correlation
through a Gaussian copula, shocks, interventions with the delivered-activity feedback, the
`expected` base, margins, separate / pooled / mapped pools, absorb and ration (all three
rationing orders). Not supported (an error): per-person services, fixed and capitation
bases, explicit proposals.

Reported per response x margin x scope (each pool, then the total): P(overspend) over the
horizon, mean drift (cost - budget) / budget, the mean unmet share, P(service gap) (unmet
share above `service_gap_threshold`), P(reserve exhausted) and P(tolerance breached) (a
review's year-to-date drift beyond `drift_tolerance`); and the drift fan (quantiles of the
cumulative drift per period) at the first margin under absorb, total scope: the engine's
headline figures, so that both sides do equal work. The rate excludes the start-up (imports,
the plan and its analytic base), which is reported apart.

    python3 Benchmarks/numpy_reference.py scenarios/benchmarks/server-scale.yaml \
        --iterations 10000 --seed 1 [--json out.json]
"""
import time

START = time.perf_counter()  # before the imports: NumPy and SciPy's start-up is reported apart

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

# One core, like `budget-risk run --threads 1` (set before NumPy loads OpenBLAS).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from scipy import stats  # noqa: E402


# ---------------------------------------------------------------- distributions

class Fixed:
    def __init__(self, value):
        self.value = float(value)

    def ppf(self, u):
        return np.full(np.shape(u), self.value)

    def mean(self):
        return self.value


class Discrete:
    def __init__(self, values, weights):
        order = np.argsort(values)
        self.values = np.asarray(values, float)[order]
        w = np.asarray(weights, float)[order]
        self.cum = np.cumsum(w) / w.sum()
        self.w = w / w.sum()

    def ppf(self, u):  # generalised inverse of the step CDF
        return self.values[np.minimum(np.searchsorted(self.cum, u), len(self.values) - 1)]

    def mean(self):
        return float(self.values @ self.w)


def distribution(spec):
    """A frozen scipy distribution (or Fixed / Discrete) from `{name: {params}}` or a number."""
    if isinstance(spec, (int, float)):
        return Fixed(spec)
    (name, p), = spec.items()
    if name == "fixed":
        return Fixed(p["value"] if isinstance(p, dict) else p)
    if name == "uniform":
        return stats.uniform(p["min"], p["max"] - p["min"])
    if name == "normal":
        return stats.norm(p["mean"], p["sd"])
    if name == "lognormal":
        if "cv" in p:
            s2 = np.log1p(p["cv"] ** 2)
            mu, sigma = np.log(p["mean"]) - s2 / 2, np.sqrt(s2)
        else:
            mu, sigma = p["mu"], p["sigma"]
        return stats.lognorm(s=sigma, scale=np.exp(mu))
    if name == "gamma":
        if "cv" in p:
            return stats.gamma(1 / p["cv"] ** 2, scale=p["mean"] * p["cv"] ** 2)
        return stats.gamma(p["shape"], scale=p["scale"])
    if name == "beta":
        lo, hi = p.get("min", 0.0), p.get("max", 1.0)
        return stats.beta(p["alpha"], p["beta"], loc=lo, scale=hi - lo)
    if name == "triangular":
        r = p["max"] - p["min"]
        return stats.triang((p["mode"] - p["min"]) / r, loc=p["min"], scale=r)
    if name == "pert":  # beta on [min, max] with mean (min + 4 mode + max) / 6
        r = p["max"] - p["min"]
        return stats.beta(1 + 4 * (p["mode"] - p["min"]) / r, 1 + 4 * (p["max"] - p["mode"]) / r,
                          loc=p["min"], scale=r)
    if name == "discrete":
        return Discrete(p["values"], p["weights"])
    raise ValueError(f"unknown distribution {name}")


def expectation(dist, h):
    """E[h(X)] by Simpson's rule on z in [-8, 8] (1,600 intervals), as ExpectedCost.swift."""
    if isinstance(dist, Fixed):
        return h(dist.value)
    if isinstance(dist, Discrete):
        return float(h(dist.values) @ dist.w)
    z = np.linspace(-8, 8, 1601)
    w = np.ones(1601)
    w[1:-1:2], w[2:-1:2] = 4, 2
    w *= np.exp(-z * z / 2)
    return float(h(dist.ppf(stats.norm.cdf(z))) @ (w / w.sum()))


# ---------------------------------------------------------------- the scenario as arrays

class Model:
    def __init__(self, sc):
        ppy = {"month": 12, "quarter": 4}[sc["horizon"].get("period", "month")]
        T = sc["horizon"].get("periods") or sc["horizon"]["years"] * ppy
        self.ppy, self.T, self.Y = ppy, T, T // ppy
        start = sc["horizon"].get("start_month", 4)
        season_index = ((start - 1 + np.arange(T)) % 12 if ppy == 12
                        else ((start - 1) // 3 + np.arange(T)) % 4)
        self.year = np.arange(T) // ppy

        segs, svcs = sc["segments"], sc["services"]
        seg = {s["name"]: i for i, s in enumerate(segs)}
        svc = {s["name"]: i for i, s in enumerate(svcs)}
        S, V = len(segs), len(svcs)
        self.S, self.V = S, V
        self.N0 = np.array([s["population"] for s in segs], float)
        self.growth = np.array([s.get("growth", 0.0) for s in segs], float)

        self.unit_cost = np.zeros(V)
        self.inflation = np.zeros(V)
        self.season = np.ones((T, V))
        self.proactive = np.zeros(V, bool)
        self.severity, self.noise = [], []
        for v, s in enumerate(svcs):
            if "per_person" in s:
                raise SystemExit(f"per-person service {s['name']}: not in this reference")
            self.unit_cost[v] = s["unit_cost"]
            self.inflation[v] = s.get("inflation", 0.0)
            self.proactive[v] = s["category"] == "proactive"
            sev = s.get("severity", {"distribution": "fixed"})
            self.severity.append((sev["distribution"], sev.get("cv", 0.0)))
            noise = s.get("noise", {"distribution": "poisson"})
            self.noise.append((noise["distribution"], noise.get("dispersion")))
            if "seasonality" in s:
                prof = np.array(s["seasonality"], float)
                if len(prof) == 12 and ppy == 4:
                    prof = prof.reshape(4, 3).mean(axis=1)
                elif len(prof) == 4 and ppy == 12:
                    prof = np.repeat(prof, 3)
                self.season[:, v] = (prof / prof.mean())[season_index]

        self.U = np.zeros((S, V))  # events per person per period
        for sname, row in (sc.get("utilisation") or {}).items():
            for vname, rate in row.items():
                self.U[seg[sname], svc[vname]] = rate / ppy

        # Interventions (their effect may be replaced by a factor).
        ivs = sc.get("interventions") or []
        iv = {x["name"]: k for k, x in enumerate(ivs)}
        self.effect = np.array([x["effect"] for x in ivs], float)
        self.lag = [x["lag"] for x in ivs]
        self.iv_proactive = [[svc[n] for n in x["proactive"]] for x in ivs]
        self.iv_targets = [[svc[n] for n in x["targets"]] for x in ivs]
        t = np.arange(T)
        self.ramp = np.array([np.clip((t - x.get("start", 0) - x["lag"] + 1) / x["ramp"], 0, 1)
                              for x in ivs]).reshape(len(ivs), T)
        self.targets = sorted({v for ts in self.iv_targets for v in ts})

        # Factors: distribution, role and target indices.
        unc = sc.get("uncertainty") or {}
        self.factors = []
        for f in unc.get("factors", []):
            role = f["role"]
            if role == "rate_multiplier" and "segments" in f:
                kind, idx = "segment_rate", [seg[n] for n in f["segments"]]
            elif role in ("rate_multiplier", "unit_cost_multiplier", "inflation"):
                kind = {"rate_multiplier": "service_rate"}.get(role, role)
                idx = [svc[n] for n in f["services"]] if "services" in f else list(range(V))
            elif role in ("growth", "population_multiplier"):
                kind = role
                idx = [seg[n] for n in f["segments"]] if "segments" in f else list(range(S))
            elif role == "intervention_effect":
                kind = role
                idx = [iv[n] for n in f["interventions"]] if "interventions" in f else list(range(len(ivs)))
            else:
                raise ValueError(role)
            self.factors.append((f["name"], distribution(f["distribution"]), kind, idx))
        F = len(self.factors)
        rho_s = np.eye(F)
        if "correlation" in unc:
            pos = [[x[0] for x in self.factors].index(n) for n in unc["correlation"]["factors"]]
            rho_s[np.ix_(pos, pos)] = np.array(unc["correlation"]["matrix"], float)
        rho = 2 * np.sin(np.pi * rho_s / 6)  # Spearman -> Pearson for the Gaussian copula
        np.fill_diagonal(rho, 1.0)
        self.chol = np.linalg.cholesky(rho)  # fails loudly if not positive definite

        self.shocks = []
        for x in sc.get("shocks") or []:
            hits = np.zeros(V, bool)
            hits[[svc[n] for n in x["services"]]] = True
            self.shocks.append((x["probability"], x["duration"], x["multiplier"], hits))

        # Pools and the budget.
        b = sc["budget"]
        if b.get("base", "expected") != "expected" or b.get("proposals"):
            raise SystemExit("this reference supports base: expected with margins only")
        pools = b.get("pools", "separate")
        if pools == "separate":
            names = list(dict.fromkeys(s["stream"] for s in svcs))
            pool_of = [names.index(s["stream"]) for s in svcs]
        elif pools == "pooled":
            names, pool_of = ["pooled"], [0] * V
        else:
            names = list(pools)
            pool_of = [0] * V
            for p, n in enumerate(names):
                for sname in pools[n]:
                    pool_of[svc[sname]] = p
        self.pool_names, self.pool_of, P = names, np.array(pool_of), len(names)
        self.P = P
        self.pool_map = np.zeros((V, 2 * P))  # column 2p: pool p proactive, 2p+1: reactive
        self.pool_map[np.arange(V), 2 * self.pool_of + (~self.proactive)] = 1
        self.margins = np.array(b.get("margins", [0.0]), float)
        prov = b.get("provider", {})
        resp = prov.get("response", "absorb")
        self.responses = [resp] if isinstance(resp, str) else list(resp)
        self.order = prov.get("rationing_order", "proactive_first")
        self.gap_threshold = b.get("service_gap_threshold", 0.01)
        self.tolerance = b.get("drift_tolerance", 0.05)
        self.review = b.get("review_every", 3)

        self.base = self.expected_cost()  # P x T, the analytic `expected` base
        self.reserve = prov.get("reserve", 0.0) * self.base.sum(axis=1) / self.Y

    def expected_cost(self):
        """Expected cost of need per pool and period, analytically, as ExpectedCost.swift did
        before it integrated over the copula: multipliers at their means, growth and inflation
        by quadrature, shocks by their probability of being active, interventions at full
        delivery, products of factors as products of expectations. With correlated
        multiplicative factors the engine's base is higher by their covariance term."""
        T, S, V, ppy = self.T, self.S, self.V, self.ppy
        pop_mean, seg_rate, svc_rate, uc_mean = np.ones(S), np.ones(S), np.ones(V), np.ones(V)
        growth = [None] * S
        inflation = [None] * V
        effect = self.effect.copy()
        for _, d, kind, idx in self.factors:
            for i in idx:
                if kind == "population_multiplier": pop_mean[i] *= d.mean()
                elif kind == "segment_rate": seg_rate[i] *= d.mean()
                elif kind == "service_rate": svc_rate[i] *= d.mean()
                elif kind == "unit_cost_multiplier": uc_mean[i] *= d.mean()
                elif kind == "growth": growth[i] = d
                elif kind == "inflation": inflation[i] = d
                elif kind == "intervention_effect": effect[i] = d.mean()
        yrs = np.arange(T) / ppy
        pop = np.empty((S, T))
        for s in range(S):
            g = ([expectation(growth[s], lambda x, a=a: (1 + x) ** a) for a in yrs]
                 if growth[s] else (1 + self.growth[s]) ** yrs)
            pop[s] = self.N0[s] * pop_mean[s] * np.asarray(g)
        cost = np.empty((V, T))
        for v in range(V):
            y = self.year.astype(float)
            price = (np.array([expectation(inflation[v], lambda x, a=a: (1 + x) ** a) for a in y])
                     if inflation[v] else (1 + self.inflation[v]) ** y)
            level = svc_rate[v] * uc_mean[v] * price * self.season[:, v]
            for p, d, m, hits in self.shocks:
                if hits[v]:
                    level *= 1 + (m - 1) * (1 - (1 - p) ** np.minimum(d, np.arange(T) + 1))
            for k, ts in enumerate(self.iv_targets):
                if v in ts:
                    level *= 1 - effect[k] * self.ramp[k]
            events = (pop * seg_rate[:, None] * self.U[:, v, None]).sum(axis=0)
            cost[v] = events * self.unit_cost[v] * level
        return np.array([cost[self.pool_of == p].sum(axis=0) for p in range(self.P)])


# ---------------------------------------------------------------- simulation

def cell_cost(rng, lam, unit, severity, noise, year_lam):
    """Cost of Poisson / negative-binomial many events at mean rate `lam`, each of mean `unit`.
    A negative binomial's dispersion k is that of the year's count, whose mean is `year_lam`
    (the cell's budget-year total): the cell draws NB(mean lam, dispersion k*lam/year_lam),
    the common success probability k/(k + year_lam), so a year's cells add up to NB(k).
    Sums are closed form: fixed k*c; gamma Gamma(k/cv^2, c*cv^2); normal N(k*c, k*(cv*c)^2).
    Lognormal: the engine sums event by event up to exact_sum_threshold (64) events and uses
    the moment-matched gamma above it. Exact summation does not vectorise, so this reference
    uses the moment-matched gamma for EVERY count (different from the engine only in cells
    with <= 64 events, which the benchmark scenario does not have)."""
    kind, k = noise
    if kind == "poisson":
        n = rng.poisson(lam)
    else:  # the year's count has variance year_lam + year_lam^2 / k
        lam = np.asarray(lam, dtype=float); year_lam = np.broadcast_to(year_lam, lam.shape)
        positive = lam > 0
        shape = np.where(positive, k * lam / np.where(positive, year_lam, 1), 1.0)
        n = np.where(positive, rng.negative_binomial(shape, k / (k + np.where(positive, year_lam, 1))), 0)
    sev, cv = severity
    if sev == "fixed" or cv == 0:
        return n * unit
    if sev in ("gamma", "lognormal"):
        return rng.gamma(n / cv ** 2, unit * cv ** 2)  # shape 0 gives 0
    if sev == "normal":
        return n * unit + np.sqrt(n) * cv * unit * rng.standard_normal(np.shape(n))
    raise ValueError(sev)


def simulate(m, n, rng, acc):
    T, S, V, P, Y = m.T, m.S, m.V, m.P, m.Y
    # 1. Factors through the Gaussian copula.
    z = rng.standard_normal((n, len(m.factors))) @ m.chol.T
    u = stats.norm.cdf(z)
    N0 = np.tile(m.N0, (n, 1)); growth = np.tile(m.growth, (n, 1)); seg_rate = np.ones((n, S))
    svc_rate = np.ones((n, V)); ucm = np.ones((n, V)); infl = np.tile(m.inflation, (n, 1))
    effect = np.tile(m.effect, (n, 1))
    for j, (_, d, kind, idx) in enumerate(m.factors):
        x = d.ppf(u[:, j])[:, None]
        if kind == "service_rate": svc_rate[:, idx] *= x
        elif kind == "segment_rate": seg_rate[:, idx] *= x
        elif kind == "unit_cost_multiplier": ucm[:, idx] *= x
        elif kind == "inflation": infl[:, idx] = x
        elif kind == "growth": growth[:, idx] = x
        elif kind == "population_multiplier": N0[:, idx] *= x
        elif kind == "intervention_effect": effect[:, idx] = x

    # 2. Population x utilisation -> expected events, n x T x V.
    pop = N0[:, None, :] * (1 + growth[:, None, :]) ** (np.arange(T) / m.ppy)[None, :, None]
    rate = (pop * seg_rate[:, None, :]) @ m.U

    # 3. Season, multipliers, shocks (overlaps of one shock do not compound).
    rate *= m.season[None] * svc_rate[:, None, :]
    for p, d, mult, hits in m.shocks:
        c = np.cumsum(rng.random((n, T)) < p, axis=1)
        active = c - np.pad(c, ((0, 0), (d, 0)))[:, :T] > 0  # a start in the last d periods
        rate[:, :, hits] *= np.where(active, mult, 1.0)[:, :, None]
    full = np.ones((n, T, V))  # intervention multiplier at full delivery
    for k, ts in enumerate(m.iv_targets):
        full[:, :, ts] *= (1 - effect[:, k, None] * m.ramp[k])[:, :, None]
    price = ucm[:, :, None] * (1 + infl[:, :, None]) ** np.arange(Y)  # n x V x Y
    unit = m.unit_cost * price[:, :, m.year].transpose(0, 2, 1)        # n x T x V
    cost = np.empty((n, T, V))
    lam = rate * full
    year_lam = np.repeat(lam.reshape(n, T // m.ppy, m.ppy, V).sum(axis=2), m.ppy, axis=1)  # n x T x V
    for v in range(V):
        cost[:, :, v] = cell_cost(rng, lam[:, :, v], unit[:, :, v], m.severity[v], m.noise[v], year_lam[:, :, v])
    pc = (cost @ m.pool_map).reshape(n, T, P, 2)
    pro, rea = pc[..., 0], pc[..., 1]                                  # n x T x P

    # 4. The ledger, per response: every margin's horizon figures, reserve and reviews; the
    # drift fan (cumulative cost over cumulative budget per period) at the first margin under
    # absorb, total scope.
    budget = m.base.sum(axis=1)[None, :] * (1 + m.margins[:, None])    # M x P
    if "absorb" in m.responses:
        need, unmet, exhausted, breached = ledger(m, rng, pro, rea, cost, rate, full, unit, effect,
                                                  year_lam, rationing=False)
        acc.add("absorb", need, budget, unmet, exhausted, breached)
        cum_need = np.cumsum((pro + rea).sum(axis=2), axis=1)             # n x T
        cum_budget = np.cumsum(m.base.sum(axis=0)) * (1 + m.margins[0])   # T
        acc.fan.append(cum_need / cum_budget - 1)
    if "ration" in m.responses:
        need, unmet, exhausted, breached = ledger(m, rng, pro, rea, cost, rate, full, unit, effect,
                                                  year_lam, rationing=True)
        acc.add("ration", need, budget, unmet, exhausted, breached)


def ledger(m, rng, pro_full, rea_full, cost, rate, full, unit, effect, year_lam, rationing):
    """The budget ledger, vectorised over iterations x margins, a loop over periods: each
    pool may spend its year-to-date budget plus the reserve left; past that limit the reserve
    is exhausted, and under `ration` only what the money covers is delivered. Rationed
    prevention lowers the intervention's delivered share, and its targets are re-drawn `lag`
    periods later at the higher rate. (The engine re-draws from the cell's own random
    stream; here the re-draw uses fresh draws: same distribution, not paired.) Every
    `review_every` periods the year-to-date spend is compared with the year-to-date budget
    (per pool and in total): a drift beyond `drift_tolerance` is a breach.
    Returns need and unmet over the horizon (n x M x P), whether each pool's reserve was
    exhausted (n x M x P) and whether each scope breached the tolerance (n x M x (P + 1))."""
    n, T, P = pro_full.shape
    M, K = len(m.margins), len(m.iv_targets)
    reserve_left = np.broadcast_to(m.reserve, (n, M, P)).copy()
    year_spend = np.zeros((n, M, P)); year_budget = np.zeros((M, P))
    need_tot = np.zeros((n, M, P)); unmet = np.zeros((n, M, P))
    exhausted = np.zeros((n, M, P), bool); breached = np.zeros((n, M, P + 1), bool)
    ytd_spend = np.zeros((n, M, P)); ytd_budget = np.zeros((M, P))
    delivered = np.ones((K, n, M, T))
    needv = {}
    for t in range(T):
        if t % m.ppy == 0 and t > 0:  # year end: overspend comes out of the reserve
            reserve_left = np.maximum(0, reserve_left - np.maximum(0, year_spend - year_budget))
            year_spend[:] = 0; year_budget[:] = 0
        pro = np.repeat(pro_full[:, t, None, :], M, axis=1)
        rea = np.repeat(rea_full[:, t, None, :], M, axis=1)
        for v in (m.targets if rationing else []):  # delivered-activity feedback
            actual = np.ones((n, M))
            for k, ts in enumerate(m.iv_targets):
                if v in ts and m.ramp[k, t] > 0:
                    actual *= 1 - effect[:, k, None] * m.ramp[k, t] * delivered[k, :, :, t - m.lag[k]]
            needv[v] = np.repeat(cost[:, t, v, None], M, axis=1)
            redo = actual != full[:, t, v, None]
            if redo.any():
                rows = np.nonzero(redo)[0]
                new = cell_cost(rng, rate[rows, t, v] * actual[redo], unit[rows, t, v],
                                m.severity[v], m.noise[v], year_lam[rows, t, v])
                change = np.zeros((n, M)); change[redo] = new - needv[v][redo]
                needv[v][redo] = new
                (pro if m.proactive[v] else rea)[:, :, m.pool_of[v]] += change
        period_budget = m.base[:, t] * (1 + m.margins[:, None])
        year_budget += period_budget
        limit = year_budget + reserve_left - year_spend
        over = pro + rea > limit
        exhausted |= over
        if not rationing:  # absorb: every need is met
            year_spend += pro + rea
            need_tot += pro + rea
            review(m, t, pro + rea, period_budget, ytd_spend, ytd_budget, breached)
            continue
        avail = np.maximum(0, limit)
        with np.errstate(divide="ignore", invalid="ignore"):
            if m.order == "proactive_first":
                d_rea = np.minimum(rea, avail)
                f_rea = np.where(rea > 0, d_rea / rea, 1.0)
                f_pro = np.where(pro > 0, np.minimum(pro, avail - d_rea) / pro, 1.0)
            elif m.order == "pro_rata":
                f_pro = f_rea = avail / (pro + rea)
            else:  # reactive_protected
                f_rea = np.ones_like(rea)
                f_pro = np.where(pro > 0, np.minimum(pro, np.maximum(0, avail - rea)) / pro, 1.0)
        f_pro = np.where(over, f_pro, 1.0); f_rea = np.where(over, f_rea, 1.0)
        spend = f_pro * pro + f_rea * rea
        year_spend += spend
        need_tot += pro + rea
        unmet += (1 - f_pro) * pro + (1 - f_rea) * rea
        review(m, t, spend, period_budget, ytd_spend, ytd_budget, breached)
        for k, vs in enumerate(m.iv_proactive):  # share of proactive need delivered
            nd = sum(needv[v] if v in needv else cost[:, t, v, None] for v in vs)
            dl = sum((needv[v] if v in needv else cost[:, t, v, None]) * f_pro[:, :, m.pool_of[v]]
                     for v in vs)
            with np.errstate(divide="ignore", invalid="ignore"):
                delivered[k, :, :, t] = np.where(nd > 0, dl / nd, 1.0)
    return need_tot, unmet, exhausted, breached


def review(m, t, spend, period_budget, ytd_spend, ytd_budget, breached):
    """Year-to-date spend and budget; at a review, a drift beyond the tolerance is a breach
    (each pool, then the total); at a year end both start again."""
    ytd_spend += spend; ytd_budget += period_budget
    if (t + 1) % m.review == 0:
        s = np.concatenate([ytd_spend, ytd_spend.sum(axis=2, keepdims=True)], axis=2)
        b = np.concatenate([ytd_budget, ytd_budget.sum(axis=1, keepdims=True)], axis=1)
        breached |= np.abs(s / b - 1) > m.tolerance
    if (t + 1) % m.ppy == 0:
        ytd_spend[:] = 0; ytd_budget[:] = 0


class Accumulator:
    """Per response x margin x scope: overspend, service-gap, reserve-exhausted and breach
    counts, sums of drift and unmet share; the drift fan's paths at one budget."""
    def __init__(self, m):
        self.scopes = m.pool_names + (["total"] if m.P > 1 else [])
        shape = (len(m.margins), len(self.scopes))
        self.n = 0
        self.gap_threshold = m.gap_threshold
        self.over = {r: np.zeros(shape) for r in m.responses}
        self.drift = {r: np.zeros(shape) for r in m.responses}
        self.unmet = {r: np.zeros(shape) for r in m.responses}
        self.gap = {r: np.zeros(shape) for r in m.responses}
        self.exhausted = {r: np.zeros(shape) for r in m.responses}
        self.breached = {r: np.zeros(shape) for r in m.responses}
        self.fan = []

    def add(self, response, need, budget, unmet, exhausted, breached):  # n x M x P, budget M x P
        need = np.broadcast_to(need, unmet.shape)
        if len(self.scopes) > budget.shape[1]:  # append the total scope
            need = np.concatenate([need, need.sum(axis=2, keepdims=True)], axis=2)
            unmet = np.concatenate([unmet, unmet.sum(axis=2, keepdims=True)], axis=2)
            budget = np.concatenate([budget, budget.sum(axis=1, keepdims=True)], axis=1)
            exhausted = np.concatenate([exhausted, exhausted.any(axis=2, keepdims=True)], axis=2)
        else:
            breached = breached[:, :, :-1]
        self.over[response] += (need > budget).sum(axis=0)
        self.drift[response] += (need / budget - 1).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(need > 0, unmet / need, 0.0)
        self.unmet[response] += share.sum(axis=0)
        self.gap[response] += (share > self.gap_threshold).sum(axis=0)
        self.exhausted[response] += exhausted.sum(axis=0)
        self.breached[response] += breached.sum(axis=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--iterations", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--chunk", type=int, default=5000, help="iterations per vectorised block")
    ap.add_argument("--json", help="write the figures and timing to this file")
    args = ap.parse_args()

    with open(args.scenario) as f:
        sc = yaml.safe_load(f)
    n_total = args.iterations or sc.get("run", {}).get("iterations", 10000)
    seed = args.seed if args.seed is not None else sc.get("run", {}).get("seed", 1)

    t0 = time.perf_counter()  # start-up: the plan (incl. the analytic base), timed apart
    m = Model(sc)
    rng = np.random.default_rng(seed)
    acc = Accumulator(m)
    t1 = time.perf_counter()  # timed: the simulation and its accumulators, as the engine's
    done = 0                  # manifest `elapsedSeconds` (neither side's final quantiles)
    while done < n_total:
        n = min(args.chunk, n_total - done)
        simulate(m, n, rng, acc)
        done += n
    elapsed = time.perf_counter() - t1
    fan = np.concatenate(acc.fan) if acc.fan else np.zeros((0, m.T))
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    fan_quantiles = np.quantile(fan, levels, axis=0) if len(fan) else np.zeros((5, m.T))
    startup = t1 - t0 + (t0 - START)

    cells = n_total * m.T * m.V
    try:  # which OpenBLAS kernel NumPy runs (OPENBLAS_CORETYPE can force an older one)
        import threadpoolctl
        blas = "; ".join(f"{i['internal_api']} {i.get('version')} {i.get('architecture')}, "
                         f"{i['num_threads']} thread(s)" for i in threadpoolctl.threadpool_info())
    except ImportError:
        blas = "unknown (pip install threadpoolctl to see it)"
    print(f"{sc['name']}: {n_total} iterations x {m.T} periods x {m.V} services "
          f"= {cells:,} cells, seed {seed}")
    print(f"start-up {startup:.3f} s (imports, plan and analytic base; not in the rate)")
    print(f"elapsed {elapsed:.3f} s   {n_total / elapsed:,.1f} iterations/s   "
          f"{cells / elapsed:,.0f} cells/s   (NumPy {np.__version__}, one thread)")
    print(f"BLAS: {blas}")
    print("expected base (analytic), horizon: " + ", ".join(
        f"{p} {b / 1e6:,.2f}m" for p, b in zip(m.pool_names, m.base.sum(axis=1))))
    results = []
    for r in m.responses:
        print(f"\nP(overspend) over the horizon, response {r}"
              + ("  (unmet = mean unmet share, total)" if r == "ration" else ""))
        print(f"{'margin':>7} " + " ".join(f"{s:>12}" for s in acc.scopes)
              + f" {'drift(total)':>13}" + (f" {'unmet':>8}" if r == "ration" else ""))
        for i, mg in enumerate(m.margins):
            p = acc.over[r][i] / n_total
            d = acc.drift[r][i] / n_total
            un = acc.unmet[r][i] / n_total
            print(f"{mg:7.3f} " + " ".join(f"{x:12.4f}" for x in p) + f" {d[-1]:13.4f}"
                  + (f" {un[-1]:8.4f}" if r == "ration" else ""))
            for j, s in enumerate(acc.scopes):
                results.append({"response": r, "margin": float(mg), "scope": s,
                                "overspendProbability": float(p[j]), "driftMean": float(d[j]),
                                "unmetShareMean": float(un[j]),
                                "serviceGapProbability": float(acc.gap[r][i][j] / n_total),
                                "reserveExhaustedProbability": float(acc.exhausted[r][i][j] / n_total),
                                "toleranceBreachedProbability": float(acc.breached[r][i][j] / n_total)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"tool": "numpy_reference", "numpy": np.__version__, "scenario": args.scenario,
                       "iterations": n_total, "seed": seed, "periods": m.T, "services": m.V,
                       "elapsedSeconds": elapsed, "iterationsPerSecond": n_total / elapsed,
                       "startupSeconds": startup,
                       "fan": {"response": "absorb", "margin": float(m.margins[0]), "scope": "total",
                               "levels": levels, "quantiles": fan_quantiles.T.tolist()},
                       "cellsPerSecond": cells / elapsed, "blas": blas,
                       "expectedBase": dict(zip(m.pool_names, m.base.sum(axis=1).tolist())),
                       "results": results}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
