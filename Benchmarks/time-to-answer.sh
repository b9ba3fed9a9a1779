#!/usr/bin/env bash
# Time to answer: seconds until P(overspend) at the recommended margin is known to a 95 %
# half-width of HALF (default 0.0025, a quarter of a percentage point), plain Monte Carlo.
#
# The engine runs `budget-risk run --precision HALF` (batches from --iterations, each to the
# total the half-width so far projects, n·(h/HALF)² on the grid of 4–7 × 2ᵉ, until the
# half-width at the recommended margin is met, worst response, total scope) on one
# thread and on every core; the NumPy reference (Benchmarks/numpy_reference.py, equal work: every
# headline figure) then runs the iteration count the engine needed, on one thread: with plain
# Monte Carlo on both sides the same count gives the same precision (in distribution). Times
# are wall clock from process start to exit, start-up included (that is part of the answer's
# cost); each side's start-up is also printed.
#
# Each engine run is made under every sampling of --samplings (default "plain rqmc"): plain
# Monte Carlo (Wilson half-width), and randomised QMC (`--sampling rqmc`, 16 replicates of
# scrambled Sobol' points; the half-width is the replicates' Student-t one). NumPy runs the
# count plain Monte Carlo needed. For each run it also prints the 95 % half-width of P(service
# gap) under ration at the recommended margin, and the iterations that figure would need for
# HALF, projected as n·(h/HALF)² (a projection, not a run: RQMC's error usually falls faster
# than 1/√n, so it overstates the RQMC count).
#
# A sampling named `conditional` is RQMC with conditional Monte Carlo for the absorb figures
# (`--sampling rqmc --estimator conditional`): the precision stop then reads the absorb
# figure's conditional interval (ration keeps the indicator). Since the stop takes the worst
# response, `--response absorb` runs every side (engine and NumPy) on a copy of the scenario
# with `response: [absorb]`, so that the figure timed is P(overspend) at the recommended
# margin under absorb; NumPy then runs the iterations plain Monte Carlo needed for it.
#
# Usage: Benchmarks/time-to-answer.sh [--half-width HALF] [--scenario FILE] [--first N]
#          [--samplings "plain rqmc conditional"] [--response absorb]
#   SWIFT_SCRATCH=DIR  the release build folder (default .build); build it first.
#   MARGIN_HALF=H MARGIN_ALPHA=A  the margin solve's section at the end (0.001 and 0.05; H=0 skips it);
#   MARGIN_RESPONSE=absorb|ration solves that response only (default: the scenario's).
#   ROTATION=none|gradient  the RQMC runs' --rotation (default: the engine's, gradient).
set -euo pipefail
cd "$(dirname "$0")/.."
half=0.0025
scenario=scenarios/benchmarks/server-scale.yaml
first=4096
samplings="plain rqmc"
response=""
while [ $# -gt 0 ]; do
  case "$1" in
    --half-width) half="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --first) first="$2"; shift 2 ;;
    --samplings) samplings="$2"; shift 2 ;;
    --response) response="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "time-to-answer.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
binary="${SWIFT_SCRATCH:-.build}/release/budget-risk"
[ -x "$binary" ] || { echo "time-to-answer.sh: $binary not found (swift build -c release first)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ -n "$response" ]; then
  # The provider's response list, replaced (one `response:` key in the scenario).
  variant="$(dirname "$scenario")/.time-to-answer-$$.yaml"
  trap 'rm -rf "$out" "$variant"' EXIT
  sed -E "s/^([[:space:]]*)response:.*/\1response: [$response]/" "$scenario" > "$variant"
  grep -q "response: \[$response\]" "$variant" || { echo "time-to-answer.sh: no 'response:' key in $scenario" >&2; exit 2; }
  scenario="$variant"
fi
cores=$(nproc)  # before OMP_NUM_THREADS is set: GNU nproc honours it
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

# Bash's own clock (bash 5): no process is started to read it, so the times hold only the
# commands' own start-up (a python3 to read a clock added ~0.05 s to each side's time).
seconds() { echo "$EPOCHREALTIME"; }
for sampling in $samplings; do
for threads in 1 "$cores"; do
  start=$(seconds)
  method="$sampling"; estimator=()
  if [ "$sampling" = conditional ]; then method=rqmc; estimator=(--estimator conditional); fi
  if [ "$method" = rqmc ] && [ -n "${ROTATION:-}" ]; then estimator+=(--rotation "$ROTATION"); fi
  "$binary" run "$scenario" --precision "$half" --iterations "$first" --max-iterations 10000000 \
    --threads "$threads" --sampling "$method" "${estimator[@]}" --quiet --json "$out/swift-$sampling-$threads.json"
  end=$(seconds)
  python3 - "$out/swift-$sampling-$threads.json" "$start" "$end" "$threads" "$sampling" "$half" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m, f = d["manifest"], d["figures"]
wall = float(sys.argv[3]) - float(sys.argv[2])
open(sys.argv[1] + ".wall", "w").write(f"{wall}")
p = m["precision"]
print(f"engine, {sys.argv[5]}, {sys.argv[4]} thread(s): {wall:6.2f} s to answer ({m['elapsedSeconds']:.2f} s simulating, "
      f"{wall - m['elapsedSeconds']:.2f} s start-up and figures); {m['iterations']} iterations, "
      f"half-width {p['achieved']:.5f} (target {p['target']}, reached {p['reached']}), batches {p['batches']}")
total = f["budgets"][0]["scopes"][-1]["scope"]
# P(overspend) under absorb at the recommended margin, total scope, as the stop read it.
rec = [r for r in f["recommendations"] if r["response"] == "absorb" and r["scope"] == total]
if rec and rec[0].get("margin") is not None and "sampling" in f:
    margin = rec[0]["margin"]
    e = next(i for i, b in enumerate(f["budgets"]) if b["response"] == "absorb" and b["margin"] == margin)
    sc = f["sampling"]["budgets"][e]["scopes"][-1]
    line = f"  P(overspend), absorb, margin {margin}: indicator ± {sc['overspendProbability']['halfWidth']:.5f}"
    c = sc.get("conditional")
    if c and c.get("overspendProbability"):
        line += (f"; conditional {c['overspendProbability']['estimate']:.4f} ± {c['overspendProbability']['halfWidth']:.5f}"
                 f" (stated bias {c['overspendBias']:.1e}, flagged {c['flagged']})")
    print(line)
# P(service gap) under ration at the recommended margin, total scope.
rec = [r for r in f["recommendations"] if r["response"] == "ration" and r["scope"] == total]
if rec and rec[0].get("margin") is not None:
    margin = rec[0]["margin"]
    e = next(i for i, b in enumerate(f["budgets"]) if b["response"] == "ration" and b["margin"] == margin)
    if "sampling" in f:
        g = f["sampling"]["budgets"][e]["scopes"][-1]["serviceGapProbability"]
        h, est = g["halfWidth"], g["estimate"]
    else:
        g = f["budgets"][e]["scopes"][-1]["serviceGap"]["probability"]
        h, est = (g["upper"] - g["lower"]) / 2, g["estimate"]
    need = m["iterations"] * (h / float(sys.argv[6])) ** 2
    print(f"  P(service gap), ration, margin {margin}: {est:.4f} ± {h:.5f}; projected iterations for ±{sys.argv[6]}: {need:,.0f}")
PY
done
done
# NumPy runs the count plain Monte Carlo needed: without a plain run there is none to run.
[ -f "$out/swift-plain-1.json" ] || { echo "numpy: not run (include plain in --samplings for its iteration count)"; exit 0; }
n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['manifest']['iterations'])" "$out/swift-plain-1.json")
start=$(seconds)
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Benchmarks/numpy_reference.py "$scenario" \
  --iterations "$n" --json "$out/numpy.json" > /dev/null
end=$(seconds)
python3 - "$out/numpy.json" "$start" "$end" "$out" "$cores" $samplings <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"numpy, 1 thread: {wall:6.2f} s to answer ({d['elapsedSeconds']:.2f} s simulating, "
      f"{d['startupSeconds']:.2f} s start-up); {d['iterations']} iterations")
for sampling in sys.argv[6:]:
    ratios = []
    for threads in ("1", sys.argv[5]):
        engine = float(open(f"{sys.argv[4]}/swift-{sampling}-{threads}.json.wall").read())
        ratios.append(f"{wall / engine:.2f}x on {threads} thread(s)")
    print(f"numpy / engine ({sampling}), time to answer: " + ", ".join(ratios))
PY

# The margin solve: seconds until `budget-risk margin --precision MARGIN_HALF` (the margin's
# 95 % half-width, a fraction: 0.001 is 0.1 percentage points of margin) is met at
# P(overspend) ≤ MARGIN_ALPHA, every response of the scenario, plain Monte Carlo (order
# statistic under absorb, Wilson test inversion under ration) against `--sampling rqmc`
# (replicate test inversion), on one thread and on every core. MARGIN_HALF=0 skips it.
margin_half="${MARGIN_HALF:-0.001}"
margin_alpha="${MARGIN_ALPHA:-0.05}"
if [ "$margin_half" != "0" ]; then
  for sampling in $samplings; do
    # `margin` refuses the conditional estimator (its solve reads per-path indicators).
    [ "$sampling" = conditional ] && continue
    for threads in 1 "$cores"; do
      start=$(seconds)
      "$binary" margin "$scenario" --overspend-at-most "$margin_alpha" --precision "$margin_half" \
        --iterations "$first" --max-iterations 10000000 --threads "$threads" --sampling "$sampling" --quiet \
        ${MARGIN_RESPONSE:+--response "$MARGIN_RESPONSE"} \
        $([ "$sampling" = rqmc ] && [ -n "${ROTATION:-}" ] && echo "--rotation $ROTATION") \
        --json "$out/margin-$sampling-$threads.json"
      end=$(seconds)
      python3 - "$out/margin-$sampling-$threads.json" "$start" "$end" "$threads" "$sampling" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
fmt = lambda x: "none" if x is None else f"{x:.5f}"
for r in d["figures"]["results"]:
    print(f"margin, {sys.argv[5]}, {sys.argv[4]} thread(s), {r['response']}: {wall:6.2f} s for all responses; "
          f"{r['iterations']} iterations, margin {fmt(r.get('margin'))} ± {fmt(r.get('halfWidth'))} "
          f"(reached {r.get('precisionReached')}), {r['method']}")
PY
    done
  done
fi
