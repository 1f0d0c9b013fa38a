"""The file loop both schema validators share (validate_sarif.py, ../validate_report.py)."""
import json


def check_files(validator, paths, name):
    """Validates each JSON file in paths; prints `PATH: valid NAME`, or `PATH: NOT valid NAME`
    and up to 20 errors by their JSON path. A file that is not readable JSON is not valid.
    Returns the exit status: 0 when every file is valid, 1 otherwise."""
    invalid = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                document = json.load(f)
        except (OSError, ValueError) as e:
            invalid += 1
            print(f"{path}: NOT valid {name}\n  not a readable JSON file: {e}")
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if not errors:
            print(f"{path}: valid {name}")
            continue
        invalid += 1
        print(f"{path}: NOT valid {name}")
        for e in errors[:20]:
            print(f"  /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    return 0 if invalid == 0 else 1
