#!/usr/bin/env bash
# Runs the named integration tests again with central on PostgreSQL
# (BOXOFFICE_TEST_BACKEND=postgres), using the test programs `cargo test
# --workspace` has just built.
#
# Why not `cargo test --workspace --test a --test b`: selecting tests by name
# changes which dev-dependencies cargo's resolver enables, so their features
# unify differently and cargo compiles about twenty crates again (rustls,
# reqwest, central, site...: two and a half minutes of the gate on 2 cores).
# Asking cargo for the programs of the same selection (`--no-run`) compiles
# nothing, and each program then runs as `cargo test` would run it: from its
# package's directory, every test of the file, the same harness output.
#
# Usage: tests/pg/run_built.sh TEST_NAME...   (names of files under */tests/)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$#" -gt 0 ] || { echo "usage: $0 TEST_NAME..." >&2; exit 2; }
cargo=${CARGO:-cargo}

# One line per wanted test program: "<name> <package dir> <executable>".
programs=$("$cargo" test --workspace --no-run --message-format=json-render-diagnostics |
    python3 tests/built_programs.py test "$@")

failed=()
while read -r name dir exe; do
    echo "     Running $name on PostgreSQL ($exe)"
    if ! (cd "$dir" && BOXOFFICE_TEST_BACKEND=postgres "$exe"); then
        failed+=("$name")
    fi
done <<<"$programs"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "error: on PostgreSQL, these test programs failed: ${failed[*]}" >&2
    exit 1
fi
echo "all ${#@} test programs passed on PostgreSQL"
