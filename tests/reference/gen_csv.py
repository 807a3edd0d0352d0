#!/usr/bin/env python3
"""Reference values for include/mlguard/io/csv.hpp and core/detail/utf8.hpp, from Python.

Run from the repository root:
    python3 tests/reference/gen_csv.py
writes tests/fixtures/reference/csv.json with four lists (inputs stored as hex):

- "utf8": byte strings and where bytes.decode("utf-8") fails
  (UnicodeDecodeError.start), or their length when they decode;
- "dialect": CSV inputs that mlguard reads as Python's csv module does (default
  "excel" dialect, strict=False, text decoded with "utf-8-sig" as a file opened
  with newline=""), with the records Python returns. Python returns [] for a
  blank line; mlguard skips blank lines, so those are dropped here;
- "latin1": CSV inputs and the records Python reads when it decodes them as "latin-1";
- "differences": inputs where mlguard deliberately differs, with what Python
  returns and the mlguard error id; docs/core.md says why for each.
"""
import csv
import io
import json
import os
import random
import sys

random.seed(16)


def python_rows(data, encoding="utf-8-sig", **kwargs):
    text = data.decode(encoding)
    return [row for row in csv.reader(io.StringIO(text, newline=""), **kwargs) if row != []]


def decode_start(data):
    try:
        data.decode("utf-8")
        return len(data)
    except UnicodeDecodeError as e:
        return e.start


# --- UTF-8 -------------------------------------------------------------------
utf8 = []


def add_utf8(name, data):
    utf8.append({"name": name, "hex": data.hex(), "start": decode_start(data)})


add_utf8("empty", b"")
add_utf8("ascii", b"hello, world")
add_utf8("two_byte", "café".encode())
add_utf8("three_byte", "日本".encode())
add_utf8("four_byte", "😀".encode())
add_utf8("max_code_point", "\U0010FFFF".encode())
add_utf8("latin1_e9", b"caf\xe9")
add_utf8("lone_continuation", b"a\x80b")
add_utf8("overlong_c0", b"\xc0\xaf")
add_utf8("overlong_c1", b"\xc1\xbf")
add_utf8("overlong_e0", b"\xe0\x80\xaf")
add_utf8("overlong_f0", b"\xf0\x80\x80\xaf")
add_utf8("surrogate_d800", b"\xed\xa0\x80")
add_utf8("surrogate_dfff", b"\xed\xbf\xbf")
add_utf8("last_before_surrogates", b"\xed\x9f\xbf")
add_utf8("above_10ffff", b"\xf4\x90\x80\x80")
add_utf8("f5", b"\xf5\x80\x80\x80")
add_utf8("ff", b"\xff")
add_utf8("truncated_2", b"ab\xc3")
add_utf8("truncated_3", b"ab\xe2\x82")
add_utf8("truncated_4", b"ab\xf0\x9f\x98")
add_utf8("bad_third_byte", b"\xe2\x82\x41")
add_utf8("utf16le_bom", b"\xff\xfea\x00")
add_utf8("nul_is_valid", b"a\x00b")
# Bad bytes at every offset around the 8-byte fast path.
for k in range(0, 18):
    add_utf8(f"ascii_{k}_then_e9", b"a" * k + b"\xe9" + b"b" * 9)
    add_utf8(f"ascii_{k}_then_euro", b"a" * k + "€".encode() + b"b" * 9)
# Random strings over bytes that sit on the edges of the table.
edges = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
         0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
for i in range(400):
    n = random.randint(1, 24)
    add_utf8(f"random_{i}", bytes(random.choice(edges) for _ in range(n)))

# --- Dialect -------------------------------------------------------------------
dialect = []


def add_dialect(name, data):
    dialect.append({"name": name, "hex": data.hex(), "rows": python_rows(data)})


add_dialect("quote_inside_unquoted_field", "lat,lon\n37°36'37.8\"N,122°22'30.0\"W\n".encode())
add_dialect("quotes_inside_unquoted_fields", b'a,b\nx"y,5\'11"\nx""y,a "b" c\n')
add_dialect("space_then_quote_is_unquoted", b'a,b\n "x",y\n')
add_dialect("quoted_delimiters_breaks_quotes",
            b'a,b\n"hello, world","two\nlines"\n"she said ""hi""",""\n')
add_dialect("crlf_and_lone_cr", b"a,b\r\nx,1\ry,2\r\nz,3\n")
add_dialect("blank_lines_and_no_final_newline", b"a,b\n\nx,1\n\ny,2")
add_dialect("empty_fields", b"a,b,c\nx,,\n,y,\n")
add_dialect("utf8_bom", b"\xef\xbb\xbfname,n\nx,1\n")
add_dialect("unicode_text", "word,n\nnaïve,1\n日本,2\n😀,3\n".encode())
add_dialect("quoted_field_spanning_lines_with_quote_inside_next",
            b'a,b\n"1\n2",x"y\nz,w\n')

# --- Latin-1 ------------------------------------------------------------------
latin1 = []


def add_latin1(name, data):
    latin1.append({"name": name, "hex": data.hex(), "rows": python_rows(data, "latin-1")})


add_latin1("cafe", b"city,n\ncaf\xe9,1\nna\xefve,2\n")
add_latin1("every_high_byte", b"text\n" + bytes(range(0x80, 0x100)) + b"\n")
# Bytes EF BB BF are three characters in Latin-1, not a byte-order mark.
add_latin1("utf8_bom_bytes", b"\xef\xbb\xbfname\nx\n")

# --- Differences ----------------------------------------------------------------
differences = []


def add_difference(name, data, mlguard_error, **kwargs):
    encoding = kwargs.pop("encoding", "utf-8-sig")
    differences.append({"name": name, "hex": data.hex(),
                        "python_rows": python_rows(data, encoding, **kwargs),
                        "mlguard_error": mlguard_error,
                        "strict": bool(kwargs.get("strict", False))})


# Python joins text after a closing quote onto the field ("x"y -> xy).
add_difference("text_after_closing_quote", b'a\n"x"y\n', "mlguard.io.csv_bad_quote")
# Python 3.11 reads NUL as a character (3.10 and older raised "line contains NUL").
add_difference("nul_byte", b"a,b\nx\x00y,z\n", "mlguard.io.csv_nul_byte")
# Python's strict=True still takes a quote inside an unquoted field literally;
# mlguard's strict mode is RFC 4180's rule.
add_difference("strict_quote_inside_unquoted_field", b'a\nx"y\n', "mlguard.io.csv_bad_quote",
               strict=True)

out = {
    "generator": "tests/reference/gen_csv.py",
    "python": sys.version.split()[0],
    "utf8": utf8,
    "dialect": dialect,
    "latin1": latin1,
    "differences": differences,
}
path = os.path.join("tests", "fixtures", "reference", "csv.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"wrote {path}: {len(utf8)} UTF-8 cases, {len(dialect)} dialect cases, "
      f"{len(latin1)} Latin-1 cases, {len(differences)} differences")
