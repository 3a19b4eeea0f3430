#!/usr/bin/env bash
# Score perucases' date extractor on TimeBank 1.2 + AQUAINT (TempEval-3 training data), DATE
# expressions, with the scorer that ships beside the data. Run from the repository root with the
# project installed:   bash bench/timebank.sh [--errors 20]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${PERUCASES_TIMEBANK:-$here/../shared/data/timebank}"
python "$data/timex_eval.py" run "$data/TimeBank" "$data/AQUAINT" --system perucases.extract.timex:timebank "$@"
