#!/usr/bin/env python3
"""Validates racelab JSON reports against docs/schema/racelab.report-1.schema.json with
python3-jsonschema: `validate_report.py SCHEMA FILE...`; exit 0 when every file is valid,
1 when one is not, 2 when the validator is missing (never a silent pass)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from schema_files import check_files  # noqa: E402

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed: ci/setup.sh installs it", file=sys.stderr)
    sys.exit(2)

schema = json.load(open(sys.argv[1], encoding="utf-8"))
# Every $ref in the schema is local ("#/$defs/..."), and its $id ("racelab.report/1") is relative:
# Debian's jsonschema (4.10) joins a relative $id onto itself at each nested scope and then
# cannot resolve a local $ref, so the id, which names the schema and nothing else, goes.
schema.pop("$id", None)
validator_class = jsonschema.validators.validator_for(schema)
validator_class.check_schema(schema)
validator = validator_class(schema)
sys.exit(check_files(validator, sys.argv[2:], "racelab.report/1"))
