#!/usr/bin/env bash
# Fails when a Catch test name of the given test binaries cannot be one CTest entry: CTest reads
# the names as a CMake list, so ';' splits a name and an unbalanced '[' or ']' merges the names
# after it into one entry that runs nothing. Prints every offending name.
set -uo pipefail
bad=0
for bin in "$@"; do
  # Catch2 v2 exits with the number of tests listed, so the output is what counts.
  names=$("$bin" --list-test-names-only 2>&1)
  [ -n "$names" ] || { echo "no test names from $bin"; exit 1; }
  while IFS= read -r name; do
    case "$name" in
      *\;* | *\[* | *\]*) echo "$(basename "$bin"): $name"; bad=1 ;;
    esac
  done <<<"$names"
done
[ $bad -eq 0 ] && echo "test names: $# binaries, every name is one CTest entry"
exit $bad
