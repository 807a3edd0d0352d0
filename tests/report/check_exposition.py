#!/usr/bin/env python3
"""Parses a metrics exposition from stdin with prometheus_client's parser (the
Python client's own, Debian's python3-prometheus-client) and prints every sample
as one line: `family<TAB>type<TAB>sample<TAB>labels as JSON<TAB>value`.

    check_exposition.py openmetrics < scrape.txt   # the strict OpenMetrics 1.0 parser
    check_exposition.py text < scrape.txt          # the Prometheus text 0.0.4 parser

Exits 1 with the parser's message when it rejects the text, 77 when the
package is missing (the C++ tests skip then)."""
import json
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_om
    from prometheus_client.parser import text_string_to_metric_families as parse_text
except ImportError:
    print("prometheus_client is not installed (Debian: python3-prometheus-client)")
    sys.exit(77)

parse = parse_om if sys.argv[1:] == ["openmetrics"] else parse_text
try:
    for family in parse(sys.stdin.read()):
        for s in family.samples:
            labels = json.dumps(s.labels, sort_keys=True)
            print(f"{family.name}\t{family.type}\t{s.name}\t{labels}\t{s.value!r}")
except Exception as e:  # the parsers raise ValueError and others
    print(f"rejected: {type(e).__name__}: {e}")
    sys.exit(1)
