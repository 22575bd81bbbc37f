#!/usr/bin/env python3
"""Re-runs every curl example in README.md against a server on localhost:8080 and rewrites the JSON answer printed
beneath it. Run it after changing what the API answers; ReadmeExamplesTests then checks the README against the
server on every `make test`.

    .build/debug/jacobian-server --host 127.0.0.1 &   # or make run
    scripts/refresh-readme-examples.py
"""
import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def is_leaf(value):
    return not isinstance(value, (dict, list)) or all(not isinstance(x, (dict, list)) for x in value)


def render(value, indent=0):
    """JSON with objects indented and short arrays (vectors, small matrices) kept on one line."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        items = [pad + json.dumps(k, ensure_ascii=False) + ": " + render(v, indent + 1) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list) and not is_leaf(value):
        if all(is_leaf(x) for x in value) and len(value) <= 3:
            return "[" + ", ".join(render(x, indent + 1) for x in value) + "]"
        return "[\n" + ",\n".join(pad + render(x, indent + 1) for x in value) + "\n" + "  " * indent + "]"
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def refresh(match):
    command = match.group(1)
    if not command.startswith("curl") or "localhost:8080" not in command:
        return match.group(0)
    output = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return "```sh\n" + command + "\n```\n```json\n" + render(json.loads(output)) + "\n```"


readme = ROOT / "README.md"
text = re.sub(r"```sh\n(.*?)\n```\n```json\n.*?\n```", refresh, readme.read_text(), flags=re.S)
readme.write_text(text)
