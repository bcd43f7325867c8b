#!/usr/bin/env bash
# Whole-process speed of `mediagate inspect --json` beside `exiftool -fast2 -j`, on one core, over
# the same folder of tagged camera JPEGs, in the same run.
#
#   scripts/benchmark-inspect.sh [--files N] [--rounds R] [--base FILE.jpg] [--work DIR] [--before DIR]
#
# --before DIR: also time the mediagate published in DIR (an earlier version) in the same rounds.
#
# 1. Publishes the command line as a user installs it (`dotnet publish functions/Kalisto.MediaGate.Cli
#    -c Release -o DIR`, here into WORK/mediagate): the timed program is the one a user runs.
# 2. Writes N (default 3000) copies of one camera JPEG into WORK/photos, each tagged with an XMP
#    packet (persons, MWG face regions, keywords, hierarchical keywords) and IPTC keywords by the
#    demo's own tag writers (benchmarks/…/InspectSet.cs). The base is --base, else the corpus's
#    Nikon D60 photo (a full camera EXIF block with maker note and thumbnail), else a generated
#    4000x3000 JPEG with a camera-like EXIF block. The photos are kept for the next run (WORK/photos,
#    about 5.5 GB for 3000 copies of the Nikon photo, 12 GB generated).
# 3. Warms the file cache, then runs R (default 5) rounds, each timing, one after the other:
#      taskset -c 0 mediagate inspect --json WORK/photos >/dev/null
#      taskset -c 0 exiftool -fast2 -j -q -q WORK/photos >/dev/null
#    One process over the whole folder each, as a user would run them; start-up is included in both.
#    Also times both over a folder of one photo (start-up).
# 4. Prints the median of the rounds: files/s of each, the ratio, start-up, the cost per file
#    after start-up, and the mean bytes the tag reader read per file (its `bytesRead`).
#
# The machine's other work disturbs single rounds: compare the medians of one run, not runs of
# different days.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files=3000
rounds=5
base=""
before=""
work="${TMPDIR:-/tmp}/mediagate-benchmark-inspect"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --before) before="$(cd "$2" && pwd)/mediagate"; shift 2 ;;
    *) echo "usage: $0 [--files N] [--rounds R] [--base FILE.jpg] [--work DIR] [--before DIR]" >&2; exit 2 ;;
  esac
done

for tool in taskset exiftool dotnet; do
  command -v "$tool" >/dev/null || { echo "benchmark-inspect: '$tool' is needed" >&2; exit 2; }
done

corpus="${MEDIAGATE_CORPUS:-$root/../shared/corpus}"
if [[ -z "$base" && -f "$corpus/voorbeeld/formats/jpg_Nikon D60.jpg" ]]; then
  base="$(cd "$corpus/voorbeeld/formats" && pwd)/jpg_Nikon D60.jpg"
fi

mkdir -p "$work"
echo "== publishing the command line (Release)"
dotnet publish "$root/functions/Kalisto.MediaGate.Cli" -c Release -o "$work/mediagate" -v quiet -nologo >/dev/null
mediagate="$work/mediagate/mediagate"

photos="$work/photos"
stamp="$files|${base:-generated}"
if [[ ! -f "$work/photos.stamp" || "$(cat "$work/photos.stamp")" != "$stamp" ]]; then
  echo "== writing $files tagged photos"
  rm -rf "$photos" "$work/photos.stamp"
  dotnet run -c Release --project "$root/benchmarks/Kalisto.MediaGate.Benchmarks" -v quiet -- \
    inspect-set "$photos" "$files" ${base:+"$base"}
  echo "$stamp" > "$work/photos.stamp"
fi
one="$work/one"
rm -rf "$one" && mkdir -p "$one"
cp "$(find "$photos" -name '*.jpg' | sort | head -n 1)" "$one/"

echo "== warming the file cache"
"$mediagate" inspect --json "$photos" > "$work/inspect.jsonl"
exiftool -fast2 -j -q -q "$photos" > "$work/exiftool.json"
found=$(grep -c '"SourceFile"' "$work/exiftool.json" || true)
lines=$(wc -l < "$work/inspect.jsonl")
if [[ "$found" -ne "$files" || "$lines" -ne "$files" ]]; then
  echo "benchmark-inspect: expected $files files, exiftool read $found and mediagate $lines" >&2
  exit 1
fi
mean_bytes_read() { grep -o '"bytesRead":[0-9]*' "$1" | awk -F: '{ s += $2 } END { printf "%.0f", s / NR }'; }
bytes_read=$(mean_bytes_read "$work/inspect.jsonl")
if [[ -n "$before" ]]; then
  "$before" inspect --json "$photos" > "$work/inspect-before.jsonl"
  bytes_read_before=$(mean_bytes_read "$work/inspect-before.jsonl")
fi
file_size=$(find "$photos" -name '*.jpg' -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / NR }')

# The programs timed, by name: each over the folder and over one photo.
names=(mediagate exiftool)
declare -A command=(
  [mediagate]="$mediagate inspect --json"
  [exiftool]="exiftool -fast2 -j -q -q"
)
if [[ -n "$before" ]]; then
  names=(before "${names[@]}")
  command[before]="$before inspect --json"
fi

# Wall-clock seconds of one run of "$@" on core 0, stdout to /dev/null.
seconds() {
  local start end
  start=$(date +%s%N)
  taskset -c 0 "$@" > /dev/null
  end=$(date +%s%N)
  echo "scale=4; ($end - $start) / 1000000000" | bc
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for name in "${names[@]}"; do : > "$work/$name.all"; : > "$work/$name.one"; done
for round in $(seq 1 "$rounds"); do
  line="round $round:"
  for name in "${names[@]}"; do
    # shellcheck disable=SC2086 # the command is a program and its options
    all=$(seconds ${command[$name]} "$photos")
    # shellcheck disable=SC2086
    single=$(seconds ${command[$name]} "$one")
    echo "$all" >> "$work/$name.all"
    echo "$single" >> "$work/$name.one"
    line+=$(printf ' %s %.3f s (one photo %.3f s);' "$name" "$all" "$single")
  done
  echo "$line"
done

echo
echo "== median of $rounds rounds, $files photos of $file_size bytes (base: ${base:-generated}), one core"
printf '%-36s %9s %11s %12s %10s\n' "" "files/s" "start-up s" "µs per file" "ratio"
et=$(median < "$work/exiftool.all")
for name in "${names[@]}"; do
  all=$(median < "$work/$name.all")
  single=$(median < "$work/$name.one")
  label="${command[$name]%% *}"
  label="$(basename "$label") ${command[$name]#* }"
  [[ "$name" == before ]] && label="$label (before)"
  printf '%-36s %9.0f %11.3f %12.0f %9.1fx\n' "$label" "$(echo "$files / $all" | bc -l)" "$single" \
    "$(echo "($all - $single) * 1000000 / ($files - 1)" | bc -l)" "$(echo "$et / $all" | bc -l)"
done
echo "exiftool $(exiftool -ver); ratio = exiftool's time / the program's time over the folder"
echo "mediagate bytes read per file (mean bytesRead): $bytes_read${before:+ (before: $bytes_read_before)}"
