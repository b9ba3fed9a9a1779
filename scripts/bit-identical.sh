#!/usr/bin/env bash
# Regenerates the figures of the bundled scenarios and, given a reference folder, checks that
# every figure is bit-identical to it. Used before and after a refactor that must not change
# any number.
#
#   scripts/bit-identical.sh OUT            write the outputs into OUT (e.g. a reference)
#   scripts/bit-identical.sh OUT REF        write them into OUT, then compare with REF
#
# The binary is $BUDGET_RISK (default: .build/release/budget-risk; build it with
# `swift build -c release`). Outputs: `run --json/--csv` of every bundled scenario and the
# server-scale benchmark at 20,000 iterations, seed 1, with --threads 1 and --threads 2; a
# `run --precision`; a `compare` of place-based-pooled.yaml (--baseline separate) and of
# behavioural-health-prevention.yaml; two `margin` solves; `explain` of every scenario.
#
# What is compared: every JSON file with the manifest's timing fields (`elapsedSeconds`,
# `iterationsPerSecond`) removed, since they measure this machine, not the model; every CSV
# file byte for byte. Text printed to the terminal (tables, explain) is compared too but
# reported separately as "text" (with its `elapsed …` line removed), since a change of
# formatting there changes no figure.
set -euo pipefail
out=${1:?usage: scripts/bit-identical.sh OUT [REF]}
ref=${2:-}
bin=${BUDGET_RISK:-.build/release/budget-risk}
[ -x "$bin" ] || { echo "no executable at $bin (swift build -c release, or set BUDGET_RISK)" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq is needed to strip timing fields" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out"
n=20000
scenarios=(scenarios/*.yaml scenarios/benchmarks/server-scale.yaml)
for f in "${scenarios[@]}"; do
  name=$(basename "$f" .yaml)
  for t in 1 2; do
    "$bin" run "$f" --iterations $n --seed 1 --threads $t --json "$out/run-$name-t$t.json" \
      --csv "$out/run-$name-t$t-csv" > "$out/run-$name-t$t.txt"
  done
  "$bin" explain "$f" > "$out/explain-$name.txt"
done
# A precision run: batches until the headline P(overspend) is known to ±0.4 points.
"$bin" run scenarios/community-health-network.yaml --precision 0.004 --iterations 2000 --max-iterations 64000 \
  --seed 1 --threads 2 --json "$out/precision-community.json" > "$out/precision-community.txt"
"$bin" compare scenarios/place-based-pooled.yaml --baseline separate --iterations $n --seed 1 --threads 2 \
  --json "$out/compare-place-based.json" --csv "$out/compare-place-based-csv" > "$out/compare-place-based.txt"
"$bin" compare scenarios/behavioural-health-prevention.yaml --baseline without_prevention --iterations $n \
  --seed 1 --threads 2 --json "$out/compare-behavioural.json" > "$out/compare-behavioural.txt"
"$bin" margin scenarios/place-based-pooled.yaml --overspend-at-most 0.1 --iterations $n --seed 1 --threads 2 \
  --json "$out/margin-place-based.json" > "$out/margin-place-based.txt"
"$bin" margin scenarios/community-health-network.yaml --overspend-at-most 0.05 --gap-at-most 0.05 \
  --iterations $n --seed 1 --threads 2 --json "$out/margin-community.json" > "$out/margin-community.txt"
# Timing fields out, keys sorted: what is left must not depend on the machine.
strip='walk(if type == "object" then del(.elapsedSeconds, .iterationsPerSecond) else . end)'
for j in "$out"/*.json; do jq -S "$strip" "$j" > "$j.stripped"; done
# The terminal's `elapsed …` line is timing too.
for x in "$out"/*.txt; do grep -v '^elapsed ' "$x" > "$x.stripped" || true; done
echo "wrote $(find "$out" -type f | wc -l) files into $out"
[ -n "$ref" ] || exit 0

status=0
figures=0; texts=0
while IFS= read -r path; do
  rel=${path#"$ref"/}
  case "$rel" in *.json | *.txt) continue ;; esac
  if [ ! -f "$out/$rel" ]; then echo "MISSING $rel"; status=1; continue; fi
  if ! cmp -s "$path" "$out/$rel"; then
    case "$rel" in
      *.txt.stripped) echo "text differs: $rel"; texts=$((texts + 1)) ;;
      *) echo "FIGURES DIFFER: $rel"; diff "$path" "$out/$rel" | head -5; status=1 ;;
    esac
  else
    case "$rel" in *.txt.stripped) ;; *) figures=$((figures + 1)) ;; esac
  fi
done < <(find "$ref" -type f | sort)
if [ $status -eq 0 ]; then
  echo "bit-identical: $figures figure files (JSON without elapsedSeconds/iterationsPerSecond, CSV) match $ref"
  [ $texts -eq 0 ] || echo "($texts terminal text files differ in formatting only: see above)"
else
  echo "NOT bit-identical with $ref"
fi
exit $status
