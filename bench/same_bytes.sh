#!/usr/bin/env bash
# Checks that two builds of whatif write the same bytes: runs `whatif run FILE --per-run`
# with each (same seed, two threads) on every FILE and compares every file written
# (the manifest's timing and version lines aside) and what each printed on refusal.
#
# usage: bench/same_bytes.sh OLD_WHATIF NEW_WHATIF FILE... (RUNS=N to change the
#        3,000 runs per file)
#
# For engine work: build the previous revision (e.g. `git worktree add /tmp/prev HEAD~1`
# and `cargo build --release` there), then run this on scenarios/*.yaml,
# tests/fixtures/*.yaml, tests/fixtures/exact/*.yaml, bench/layered_12x4.yaml and the
# loadable files of fuzz/corpus/load.
set -u
old=$1 new=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 differ=0 refused=0
for f in "$@"; do
  rm -rf "$tmp/a" "$tmp/b"
  "$old" run "$f" --runs "${RUNS:-3000}" --per-run --quiet --out "$tmp/a" --threads 2 >"$tmp/a.txt" 2>&1
  a=$?
  "$new" run "$f" --runs "${RUNS:-3000}" --per-run --quiet --out "$tmp/b" --threads 2 >"$tmp/b.txt" 2>&1
  b=$?
  if [ "$a" != "$b" ]; then
    echo "exit status differs ($a, $b): $f"
    differ=$((differ + 1))
  elif [ "$a" != 0 ]; then
    sed -i "s|$tmp/a|OUT|g" "$tmp/a.txt"
    sed -i "s|$tmp/b|OUT|g" "$tmp/b.txt"
    if cmp -s "$tmp/a.txt" "$tmp/b.txt"; then refused=$((refused + 1)); else echo "messages differ: $f"; differ=$((differ + 1)); fi
  elif ! diff -rq -x manifest.csv "$tmp/a" "$tmp/b" >/dev/null ||
    ! diff -q <(grep -v -i "seconds\|version\|sha" "$tmp/a/manifest.csv") <(grep -v -i "seconds\|version\|sha" "$tmp/b/manifest.csv") >/dev/null; then
    echo "output differs: $f"
    differ=$((differ + 1))
  else
    same=$((same + 1))
  fi
done
echo "same $same, differ $differ, refused by both alike $refused"
[ "$differ" = 0 ]
