#!/usr/bin/env python3
"""make_case.py -- a case for `klarbrev fill` from the skeleton `klarbrev template fields` prints.

    klarbrev template fields TEMPLATE | python3 make_case.py > case.json

Every string becomes a value that XML and Word find hard (markup characters, quotes, Danish letters), every list gets
two items, every boolean is true and every number 42, so each section is rendered, each loop twice, and each value
has to be escaped. Exit 1 (with the reason on stderr) when the input is not JSON.
"""
import json
import sys

VALUE = "æøå <&>\"'"


def fill(v):
    if isinstance(v, bool):
        return True
    if isinstance(v, (int, float)):
        return 42
    if isinstance(v, str):
        return VALUE
    if isinstance(v, list):
        item = fill(v[0]) if v else VALUE
        return [item, fill(v[0]) if v else VALUE]
    if isinstance(v, dict):
        return {k: fill(x) for k, x in v.items()}
    return VALUE  # null: a field the skeleton does not know the type of


def main():
    try:
        skeleton = json.load(sys.stdin)
    except ValueError as e:
        sys.exit("make_case.py: template fields did not print JSON: %s" % e)
    json.dump(fill(skeleton), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
