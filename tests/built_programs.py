#!/usr/bin/env python3
"""Names the programs cargo built, from its JSON messages on standard input.

Usage: cargo build|test ... --message-format=json-render-diagnostics |
       built_programs.py KIND NAME...

(That format keeps compiler errors readable on standard error.)

KIND is a target kind ("test", "bench", "bin"). Prints one line per NAME, in
the order given: the name, its package's directory and its executable. Exits
with an error naming the programs it did not find.
"""
import json
import os
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kind, wanted = sys.argv[1], sys.argv[2:]
    found = {}
    for line in sys.stdin:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        target = msg.get("target") or {}
        if (
            msg.get("reason") == "compiler-artifact"
            and target.get("kind") == [kind]
            and target.get("name") in wanted
            and msg.get("executable")
        ):
            found[target["name"]] = (os.path.dirname(msg["manifest_path"]), msg["executable"])
    missing = [n for n in wanted if n not in found]
    if missing:
        sys.exit(f"error: no {kind} program named " + ", ".join(missing))
    for name in wanted:
        print(name, *found[name])


if __name__ == "__main__":
    main()
