#!/usr/bin/env python3
"""Are two runs' figures the same within Monte Carlo error?

    scripts/within-mc-error.py A.json B.json [--limit Z]

A and B are `budget-risk run --json` outputs of one scenario, from INDEPENDENT runs (different
seeds): a change that must leave every figure within its Monte Carlo error (a new sampler) is
checked by comparing the new binary at seed 1 with the old at seed 2, beside the old binary at
seed 1 against itself at seed 2 (the control: what pure noise looks like). Runs that share a
seed share their factor draws, which carry most of the variance, so the independent-sample SE
below would overstate their noise and hide a real shift.

For every budget × response × scope: P(overspend), P(service gap), P(reserve exhausted),
P(tolerance breached) (binomial SE of each estimate, √(p(1−p)/n)), mean drift, mean cost of
need, expected overspend and expected unmet share (their reported standard errors);
z = (a − b)/√(SEa² + SEb²). Prints the largest |z| per figure kind, the share of |z| above 2
(≈ 4.6 % for independent normal z) and the worst five; exits 1 when any |z| exceeds --limit
(default 4.5: with a few hundred correlated figures, max |z| of pure noise stays under ~4).
"""
import json
import math
import sys


def figures(path):
    data = json.load(open(path))
    n = data["manifest"]["iterations"]
    out = {}
    for b in data["figures"]["budgets"]:
        for s in b["scopes"]:
            key = f'{b["proposal"]} {b["response"]} {s["scope"]}'

            def prop(name, p):
                est = p["estimate"]
                out[(name, key)] = (est, math.sqrt(max(est * (1 - est), 0.25 / n) / n))

            def mean(name, m):
                out[(name, key)] = (m["mean"], m["standardError"])

            prop("P(overspend)", s["overspendProbability"])
            prop("P(service gap)", s["serviceGap"]["probability"])
            prop("P(reserve exhausted)", s["instability"]["reserveExhausted"])
            prop("P(tolerance breached)", s["instability"]["toleranceBreached"])
            mean("mean drift", s["drift"])
            mean("mean cost of need", s["costOfNeed"])
            mean("expected overspend", s["expectedOverspend"])
            mean("expected unmet share", s["serviceGap"]["expectedUnmetShare"])
    return out


def main():
    args = sys.argv[1:]
    limit = 4.5
    if "--limit" in args:
        i = args.index("--limit")
        limit = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    a, b = figures(args[0]), figures(args[1])
    zs = []
    for k in a:
        if k not in b:
            continue
        (x, sx), (y, sy) = a[k], b[k]
        se = math.hypot(sx, sy)
        if se == 0:
            if x != y:
                zs.append((math.inf, k, x, y))
            continue
        zs.append((abs(x - y) / se, k, x, y))
    kinds = sorted({k[0] for _, k, _, _ in zs})
    for kind in kinds:
        these = [z for z, k, _, _ in zs if k[0] == kind]
        print(f"  {kind:24} {len(these):4} figures, max |z| {max(these):5.2f}")
    over2 = sum(1 for z, *_ in zs if z > 2)
    print(f"  all: {len(zs)} figures, |z| > 2: {over2} ({100 * over2 / max(1, len(zs)):.1f} %), "
          f"max |z| {max(z for z, *_ in zs):.2f}")
    for z, (kind, key), x, y in sorted(zs, reverse=True)[:5]:
        print(f"    |z| {z:5.2f}  {kind}  {key}: {x:.6g} vs {y:.6g}")
    sys.exit(1 if any(z > limit for z, *_ in zs) else 0)


if __name__ == "__main__":
    main()
