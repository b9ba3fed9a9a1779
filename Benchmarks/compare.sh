#!/usr/bin/env bash
# Per-core throughput of `budget-risk run` against the NumPy reference, on one scenario.
#
# Both run the same scenario, the same iteration count and seed, on ONE thread each, and
# compute the same headline figures (equal work): per margin and response P(overspend), mean
# drift, P(service gap), P(reserve exhausted), P(tolerance breached), and the drift fan at one
# budget; each side's start-up and final quantiles are outside its timed part
# (`--threads 1`; the NumPy side with OPENBLAS/OMP/MKL_NUM_THREADS=1). The script prints both
# throughputs (iterations/s; Swift's from the run manifest), their ratio, the two analytic
# base budgets, and the overspend probabilities per margin side by side (absorb and ration,
# total scope) with their difference in units of the combined binomial standard error, so it
# is visible that both did the same work. The generators differ (Philox vs NumPy's PCG64), so
# the probabilities agree only in distribution: |z| mostly below 2. The other figures follow,
# each kind with its largest |z| over the margins and responses.
#
# Usage: Benchmarks/compare.sh [--iterations N] [--seed S] [--scenario FILE] [--skip-build]
#   SWIFT_SCRATCH=DIR  build folder for `swift build --scratch-path` (default .build)
set -euo pipefail

cd "$(dirname "$0")/.."
iterations=10000
seed=1
scenario=scenarios/benchmarks/server-scale.yaml
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
scratch="${SWIFT_SCRATCH:-.build}"
binary="$scratch/release/budget-risk"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [ "$build" = 1 ]; then
  echo "== swift build -c release --scratch-path $scratch"
  if ! swift build -c release --scratch-path "$scratch" >"$out/build.log" 2>&1; then
    tail -20 "$out/build.log" >&2
    echo "compare.sh: the release build failed" >&2
    exit 1
  fi
fi
[ -x "$binary" ] || { echo "compare.sh: $binary not found (build first)" >&2; exit 1; }

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

echo "== NumPy reference: $iterations iterations, seed $seed, one thread"
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine for the system's older
# OpenBLAS; they slow NumPy's own current OpenBLAS, so they are unset for this command alone
# (the Swift side keeps the environment as it is).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
  python3 Benchmarks/numpy_reference.py "$scenario" --iterations "$iterations" --seed "$seed" \
  --json "$out/numpy.json" | sed -n '1,4p'

echo "== budget-risk run: $iterations iterations, seed $seed, --threads 1"
if ! "$binary" run "$scenario" --iterations "$iterations" --seed "$seed" --threads 1 \
     --json "$out/swift.json" --quiet 2>"$out/swift.err"; then
  cat "$out/swift.err" >&2
  echo "compare.sh: budget-risk run failed (message above)" >&2
  exit 1
fi

python3 - "$out/swift.json" "$out/numpy.json" <<'EOF'
import json, math, sys

swift = json.load(open(sys.argv[1]))
numpy = json.load(open(sys.argv[2]))
man, fig = swift["manifest"], swift["figures"]
ns, nn = man["iterations"], numpy["iterations"]
cells = numpy["periods"] * numpy["services"]
s_ips, n_ips = man["iterationsPerSecond"], numpy["iterationsPerSecond"]

print(f"\nthroughput, one thread, {cells} cells per iteration")
print(f"  {'':8} {'iterations':>10} {'seconds':>9} {'iterations/s':>13} {'cells/s':>14}")
print(f"  {'swift':8} {ns:>10} {man['elapsedSeconds']:>9.3f} {s_ips:>13,.1f} {s_ips * cells:>14,.0f}")
print(f"  {'numpy':8} {nn:>10} {numpy['elapsedSeconds']:>9.3f} {n_ips:>13,.1f} {n_ips * cells:>14,.0f}")
print(f"  swift / numpy = {s_ips / n_ips:.2f}x per core")
print(f"  swift OpenBLAS: {man.get('openBLAS', '')}")
print(f"  numpy BLAS:     {numpy.get('blas', 'unknown (pip install threadpoolctl to see it)')}")

base_s = {e["scope"]: e["baseBudget"] for e in fig["expectedCost"]}
base_n = dict(numpy["expectedBase"])
if len(base_n) > 1:
    base_n["total"] = sum(base_n.values())
print("\nanalytic base budget over the horizon (swift includes the correlated factors' covariance, numpy multiplies means: they differ by that term)")
for scope, b in base_n.items():
    s = base_s.get(scope)
    diff = f"{s / b - 1:+.2e}" if s else "missing in swift"
    print(f"  {scope:16} swift {s if s is None else f'{s:,.0f}':>16}  numpy {b:>16,.0f}  rel. diff {diff}")

def swift_p(response, scope):
    out = {}
    for b in fig["budgets"]:
        if b["response"] != response or b.get("margin") is None:
            continue
        for sc in b["scopes"]:
            if sc["scope"] == scope:
                out[round(b["margin"], 6)] = (sc["overspendProbability"]["estimate"], sc["drift"]["mean"])
    return out

def numpy_p(response, scope):
    return {round(r["margin"], 6): (r["overspendProbability"], r["driftMean"])
            for r in numpy["results"] if r["response"] == response and r["scope"] == scope}

scope = "total" if "total" in base_s else next(iter(base_n))
for response in ("absorb", "ration"):
    s, n = swift_p(response, scope), numpy_p(response, scope)
    if not s or not n:
        continue
    print(f"\nP(overspend), {response} / {scope}; z = difference / combined binomial SE "
          f"(pooled p, n = {ns} and {nn})")
    print(f"  {'margin':>7} {'swift':>8} {'numpy':>8} {'diff':>8} {'z':>6}   {'drift swift':>11} {'drift numpy':>11}")
    worst = 0.0
    for m in sorted(set(s) & set(n)):
        (ps, ds), (pn, dn) = s[m], n[m]
        pool = (ps * ns + pn * nn) / (ns + nn)
        se = math.sqrt(pool * (1 - pool) * (1 / ns + 1 / nn))
        z = (ps - pn) / se if se > 0 else 0.0
        worst = max(worst, abs(z))
        print(f"  {m:7.3f} {ps:8.4f} {pn:8.4f} {ps - pn:+8.4f} {z:+6.2f}   {ds:+11.4f} {dn:+11.4f}")
    print(f"  largest |z| = {worst:.2f}")

# The other headline figures (equal work): every margin of each response, total scope.
def swift_scope(b, scope):
    return next(sc for sc in b["scopes"] if sc["scope"] == scope)

def proportion_z(ps, pn):
    pool = (ps * ns + pn * nn) / (ns + nn)
    se = math.sqrt(pool * (1 - pool) * (1 / ns + 1 / nn))
    return (ps - pn) / se if se > 0 else (0.0 if ps == pn else math.inf)

numpy_rows = {(r["response"], round(r["margin"], 6), r["scope"]): r for r in numpy["results"]}
kinds = [("P(service gap)", lambda sc: sc["serviceGap"]["probability"]["estimate"], "serviceGapProbability"),
         ("P(reserve exhausted)", lambda sc: sc["instability"]["reserveExhausted"]["estimate"], "reserveExhaustedProbability"),
         ("P(tolerance breached)", lambda sc: sc["instability"]["toleranceBreached"]["estimate"], "toleranceBreachedProbability")]
zs = []
for b in fig["budgets"]:
    if b.get("margin") is None:
        continue
    r = numpy_rows.get((b["response"], round(b["margin"], 6), scope))
    if r is None or "serviceGapProbability" not in r:
        continue
    sc = swift_scope(b, scope)
    for name, get, key in kinds:
        zs.append((abs(proportion_z(get(sc), r[key])), name, b["response"], b["margin"], get(sc), r[key]))
    # Mean drift: the engine's SE, the same for the reference (same model and n).
    d = sc["drift"]
    se = d["standardError"] * math.sqrt(1 + ns / nn)
    zs.append((abs(d["mean"] - r["driftMean"]) / se if se > 0 else 0.0, "mean drift", b["response"],
               b["margin"], d["mean"], r["driftMean"]))
if zs:
    print(f"\nthe other headline figures, {scope}, every margin and response (z as above; drift: "
          "difference / (engine SE x sqrt(1 + n_swift/n_numpy)))")
    for name in sorted({z[1] for z in zs}):
        these = [z for z in zs if z[1] == name]
        w = max(these)
        print(f"  {name:22} {len(these):3} figures, largest |z| {w[0]:5.2f} "
              f"({w[2]} margin {w[3]:.3f}: swift {w[4]:.4f}, numpy {w[5]:.4f})")

# The drift fan at the reference's budget: quantiles per period against the engine's, in units
# of the engine's interval (its 95 % half-width / 1.96, times sqrt(2) for two samples).
fan = numpy.get("fan")
if fan:
    b = next((b for b in fig["budgets"] if b["response"] == fan["response"]
              and b.get("margin") is not None and round(b["margin"], 6) == round(fan["margin"], 6)), None)
    if b is not None:
        path = swift_scope(b, fan["scope"])["driftPath"]
        worst = (0.0, None)
        count = 0
        for t, row in enumerate(fan["quantiles"]):
            for level, value in zip(fan["levels"], row):
                q = next((q for q in path[t]["quantiles"] if abs(q["level"] - level) < 1e-9), None)
                if q is None:
                    continue
                se = (q["upper"] - q["lower"]) / (2 * 1.96) * math.sqrt(1 + ns / nn)
                z = abs(q["value"] - value) / se if se > 0 else 0.0
                count += 1
                if z > worst[0]:
                    worst = (z, (t, level, q["value"], value))
        if worst[1]:
            t, level, a, c = worst[1]
            print(f"  drift fan, {fan['response']} margin {fan['margin']:.3f} {fan['scope']}: {count} quantiles, "
                  f"largest |z| {worst[0]:.2f} (period {t}, level {level}: swift {a:+.4f}, numpy {c:+.4f})")
if "startupSeconds" in numpy:
    print(f"\nstart-up (not in the rates): numpy {numpy['startupSeconds']:.2f} s (imports, plan, analytic base); "
          "swift: everything outside the manifest's elapsedSeconds (loading, plan, figures)")
EOF
