#!/usr/bin/env python3
"""Validates SARIF logs against the SARIF 2.1.0 JSON schema (tests/report/schemas) with
Debian's python3-jsonschema and python3-rfc3987: `validate_sarif.py FILE...`; exit 0 when
every file is valid, 1 when one is not, 2 when the validator cannot check what the schema
asks (a missing package, a format nothing checks): never a silent pass."""
import datetime
import json
import os
import re
import sys

from schema_files import check_files


def fail(reason):
    print(f"validate_sarif.py: {reason}", file=sys.stderr)
    sys.exit(2)


try:
    import jsonschema
except ImportError:
    fail("python3-jsonschema is not installed: ci/setup.sh installs it")
try:
    import rfc3987
except ImportError:
    fail("python3-rfc3987 (the uri formats) is not installed: ci/setup.sh installs it")

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "schemas",
                      "sarif-2.1.0-rtm.5.json")

# The schema is JSON Schema draft 4. Its `language` pattern,
# ^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$, has a stray ']' that JavaScript rejects under the
# Unicode flag; Python's `re` compiles it as a literal ']' outside a class, as its authors meant
# ("en" and "en-US" match, "e" does not), so it needs no handling here.

# Python's datetime and the RFC 3339 grammar (section 5.6): jsonschema's own date-time check
# needs rfc3339-validator, which Debian does not package.
RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
                     r"(?:[Zz]|[+-](\d{2}):(\d{2}))")

checker = jsonschema.FormatChecker(formats=())


@checker.checks("uri", raises=ValueError)
def is_uri(instance):
    return not isinstance(instance, str) or bool(rfc3987.parse(instance, rule="URI"))


@checker.checks("uri-reference", raises=ValueError)
def is_uri_reference(instance):
    return not isinstance(instance, str) or bool(rfc3987.parse(instance, rule="URI_reference"))


@checker.checks("date-time", raises=ValueError)
def is_date_time(instance):
    if not isinstance(instance, str):
        return True
    m = RFC3339.fullmatch(instance)
    if not m:
        return False
    year, month, day, hour, minute, second, off_h, off_m = (int(g or 0) for g in m.groups())
    datetime.date(year, month, day)  # raises ValueError for a day the month lacks
    return hour < 24 and minute < 60 and second <= 60 and off_h < 24 and off_m < 60


def formats(node):
    """Every `format` the schema names."""
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for v in node.values():
            yield from formats(v)
    elif isinstance(node, list):
        for v in node:
            yield from formats(v)


with open(SCHEMA, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft4Validator.check_schema(schema)
unchecked = sorted(set(formats(schema)) - set(checker.checkers))
if unchecked:
    fail(f"no check for the schema's format {', '.join(unchecked)}")
validator = jsonschema.Draft4Validator(schema, format_checker=checker)

if len(sys.argv) < 2:
    fail("usage: validate_sarif.py FILE...")
sys.exit(check_files(validator, sys.argv[1:], "SARIF 2.1.0"))
