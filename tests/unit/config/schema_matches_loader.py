#!/usr/bin/env python3
"""The JSON Schema in config/ and the C++ loader must agree.

1. The example config validates against the schema.
2. For every object in the example config, the loader's list of known keys
   (reported when an unknown key is added) equals the schema's properties there.
Usage: schema_matches_loader.py OPENCLAWD_BINARY SOURCE_DIR
"""
import copy
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema

binary, source = sys.argv[1], pathlib.Path(sys.argv[2])
schema = json.loads((source / "config/openclawd.schema.json").read_text())
example = json.loads((source / "config/openclawd.example.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(example, schema)


def resolve(node):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def objects(doc, node, pointer):
    """Yields (pointer, schema node) for each object in doc."""
    node = resolve(node)
    if isinstance(doc, dict) and node.get("type") == "object":
        yield pointer, doc, node
        for key, value in doc.items():
            if key in node.get("properties", {}):
                yield from objects(value, node["properties"][key], f"{pointer}/{key}")
    elif isinstance(doc, list) and "items" in node:
        for i, value in enumerate(doc):
            yield from objects(value, node["items"], f"{pointer}/{i}")


failures = []
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    (tmp / "config").mkdir()
    (tmp / "vms/images").mkdir(parents=True)
    (tmp / "vms/images/vmlinuz").write_text("k")
    (tmp / "vms/images/initrd.img").write_text("i")
    checked = 0
    for pointer, _, node in list(objects(example, schema, "")):
        doc = copy.deepcopy(example)
        target = doc
        for part in [p for p in pointer.split("/") if p]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target["zz_probe"] = 1
        config = tmp / "config/openclawd.json"
        config.write_text(json.dumps(doc))
        run = subprocess.run([binary, "check-config", "-q", "-c", str(config)],
                             capture_output=True, text=True, timeout=30)
        match = re.search(re.escape(f"{pointer}/zz_probe") + r": unknown key \(known keys here: (.*)\)",
                          run.stderr)
        if not match:
            failures.append(f"{pointer}: the loader did not report the probe key: {run.stderr!r}")
            continue
        loader_keys = set(re.findall(r'"([^"]+)"', match.group(1)))
        schema_keys = set(node.get("properties", {})) - {"$schema"}
        if loader_keys != schema_keys:
            failures.append(f"{pointer or '/'}: loader {sorted(loader_keys - schema_keys)} not in "
                            f"schema; schema {sorted(schema_keys - loader_keys)} not in loader")
        checked += 1

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"schema and loader agree on {checked} objects")
