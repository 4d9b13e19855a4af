#!/usr/bin/env python3
"""Which feature folder of cloud/Iot.Cloud uses which, read from `using Iot.Cloud.X` and qualified `Iot.Cloud.X.`
names in its .cs and .cshtml files; then the cycles (strongly connected folders).

    python3 cloud/folder-deps.py            # every edge with the files that make it, then the cycles
    python3 cloud/folder-deps.py --cycles   # the cycles only

The compiled-assembly test (tests/Iot.Cloud.Tests/Architecture/LayeringTests.cs) is the one that guards the
layering; this script is for reading the graph while changing it.
"""
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent / "Iot.Cloud"
REFERENCE = re.compile(r"\bIot\.Cloud\.([A-Z][A-Za-z]*)")


def folder_of(path: pathlib.Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 and parts[0] not in ("obj", "bin", "wwwroot") else None


def edges() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for path in sorted(list(ROOT.rglob("*.cs")) + list(ROOT.rglob("*.cshtml"))):
        source = folder_of(path)
        if source is None or source == "Data" and "Migrations" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith(("namespace ", "//", "///")):
                continue
            for target in REFERENCE.findall(line):
                if target != source and (ROOT / target).is_dir():
                    found[(source, target)].add(str(path.relative_to(ROOT)))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one folder."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def main() -> None:
    found = edges()
    graph: dict[str, set[str]] = collections.defaultdict(set)
    for source, target in found:
        graph[source].add(target)
        graph.setdefault(target, set())
    if "--cycles" not in sys.argv:
        for (source, target), files in sorted(found.items()):
            print(f"{source} -> {target}  ({len(files)}: {', '.join(sorted(files)[:3])}{' ...' if len(files) > 3 else ''})")
        print(f"{len(found)} edges between {len(graph)} folders")
    components = cycles(graph)
    for component in components:
        print(f"cycle through {len(component)} folders: {' '.join(component)}")
    if not components:
        print("no cycle")


if __name__ == "__main__":
    main()
