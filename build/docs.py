#!/usr/bin/env python3
"""Fills the generated parts of the documentation from the program itself.

A generated part sits between two lines:
    <!-- generated: dockerman --routes -->
    ...
    <!-- end generated -->
and holds exactly what the program prints for that argument (--routes, --limits, --exit-codes).
Usage: build/docs.py BINARY FILE...   rewrites the files in place; prints the ones it changed.
"""
import re
import subprocess
import sys

BLOCK = re.compile(r"(<!-- generated: dockerman (--[a-z-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def main() -> int:
    binary, files = sys.argv[1], sys.argv[2:]
    outputs = {}

    def fill(match: re.Match) -> str:
        arg = match.group(2)
        if arg not in outputs:
            outputs[arg] = subprocess.run([binary, arg], check=True, capture_output=True, text=True).stdout
        return match.group(1) + outputs[arg] + match.group(4)

    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = BLOCK.sub(fill, text)
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
