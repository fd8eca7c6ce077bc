#!/usr/bin/env python3
"""Fails when a file of the library, the command or the R package includes a header of a
folder above its own. The stack is written here, once, lowest first; folders on one line
are side by side and include neither each other nor anything above them.

The Python package's core (python/src/) sits beside them.

A folder is the first path part under include/hourglass/ or src/ (the headers and sources
of one concept share it); include/hourglass/*.hpp and src/*.cpp, the base (errors,
registries, the runtime), sit at the bottom, and the umbrella header hourglass.hpp just
below the command. tests/, examples/, bench/ and fuzz/ stand outside the stack.

Usage: scripts/check-layers.py [REPOSITORY]   (prints each violation, exit 1 if any)
"""
import os
import re
import subprocess
import sys

STACK = [
    ["base"],
    ["io"],
    ["onnx"],
    ["data"],
    ["network"],
    ["nn"],
    ["layers"],
    ["losses", "noise"],
    ["variants"],
    ["regularizers"],
    ["model"],
    ["train"],
    ["export", "report"],
    ["serve"],
    ["umbrella"],
    ["cli", "r", "python"],
]
LEVEL = {folder: level for level, folders in enumerate(STACK) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    """The stack folder of a repository path, or None for files outside the stack."""
    if path == "include/hourglass/hourglass.hpp":
        return "umbrella"
    for root in ("include/hourglass/", "src/"):
        if path.startswith(root):
            parts = path[len(root):].split("/")
            return parts[0] if len(parts) > 1 else "base"
    if path.startswith("cli/"):
        return "cli"
    if path.startswith("r/src/"):
        return "r"
    if path.startswith("python/src/"):
        return "python"
    return None


def included_folder(including, name):
    """The folder of a quoted include as the compiler finds it (include/, src/, or beside)."""
    if name.startswith("hourglass/"):
        return folder_of("include/" + name)
    if "/" in name:
        return folder_of("src/" + name)
    return folder_of(os.path.join(os.path.dirname(including), name))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files = subprocess.run(["git", "-C", root, "ls-files", "include", "src", "cli", "r/src"], check=True,
                           capture_output=True, text=True).stdout.split()
    unknown, violations = set(), []
    for path in files:
        if not path.endswith((".hpp", ".cpp", ".h")) or path.endswith("RcppExports.cpp"):
            continue
        own = folder_of(path)
        if own not in LEVEL:
            unknown.add(own)
            continue
        with open(os.path.join(root, path), errors="replace") as text:
            for number, line in enumerate(text, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                other = included_folder(path, match.group(1))
                if other is None or other == own:
                    continue
                if other not in LEVEL:
                    unknown.add(other)
                elif LEVEL[other] >= LEVEL[own]:
                    where = "above" if LEVEL[other] > LEVEL[own] else "beside"
                    violations.append(f"{path}:{number}: {own} includes {match.group(1)} from {other}, {where} it")
    for folder in sorted(f for f in unknown if f):
        violations.append(f"folder '{folder}' is not in the stack: add it to STACK in scripts/check-layers.py")
    for violation in violations:
        print(violation)
    levels = " < ".join("/".join(folders) for folders in STACK)
    if violations:
        print(f"check-layers: {len(violations)} includes break the stack {levels}")
        return 1
    print(f"check-layers: every include keeps the stack {levels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
