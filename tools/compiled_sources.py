#!/ usr / bin / env python3
"""Writes src/compiled/<module>.cpp, the sources of the mlguard::compiled library
(docs/core.md#compiled-mode): one explicit instantiation for every deferred
function whose body sits in a header's `#ifndef MLGUARD_COMPILED` block.

  - a class template `basic_X` with a member defined there:
        template class mlguard::<ns>::basic_X<void>;
- a `template <class = void>` free function defined there:namespace mlguard::<ns>{
  template R f<>(params);
}

  python3 tools/compiled_sources.py          # (re)write src/compiled/
  python3 tools/compiled_sources.py --check  # exit 1 when src/compiled/ is stale

Needs Debian's python3-clang-14 (libclang 14).
"""
import os
import re
import subprocess
import sys

try:
    sys.path.append('/usr/lib/python3/dist-packages')  # Debian's, for another python3
    import clang.cindex as ci
except ImportError:
    print('skipped: needs libclang for Python (Debian: python3-clang-14)')
    sys.exit(77)

for lib in ('/usr/lib/llvm-14/lib/libclang-14.so.1', '/usr/lib/llvm-14/lib/libclang.so.1'):
    if os.path.exists(lib):
        ci.Config.set_library_file(lib)
        break

K = ci.CursorKind
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, 'include')
OUT = os.path.join(ROOT, 'src', 'compiled')
ARGS = ['-x', 'c++', '-std=c++17', '-I' + INCLUDE, '-I/usr/include/eigen3']
MEMBERS = (K.CXX_METHOD, K.CONSTRUCTOR, K.DESTRUCTOR, K.CONVERSION_FUNCTION)
BLOCK = re.compile(r'^#ifndef MLGUARD_COMPILED\b.*?^#endif // MLGUARD_COMPILED', re.M | re.S)


def blocks(path, cache={}):
    """The byte ranges of a header's `#ifndef MLGUARD_COMPILED` blocks."""
    if path not in cache:
        data = open(path, 'rb').read().decode()
        cache[path] = [(len(data[:m.start()].encode()), len(data[:m.end()].encode()))
                       for m in BLOCK.finditer(data)]
    return cache[path]


def in_block(cursor):
    off = cursor.extent.start.offset
    return any(a <= off < b for a, b in blocks(cursor.location.file.name))


def qualified(cursor):
    names = []
    while cursor is not None and cursor.kind != K.TRANSLATION_UNIT:
        names.append(cursor.spelling)
        cursor = cursor.semantic_parent
    return '::'.join(reversed(names))


def instantiation(cursor, data):
    """`template R f<>(params) quals;` from the definition `template <class> R f(params) quals {`."""
    name = cursor.location.offset
    toks = [t for t in cursor.get_tokens() if t.kind != ci.TokenKind.COMMENT]
    opening = next(t for t in toks if t.extent.start.offset >= name and t.spelling == '(')
    body = list(cursor.get_children())[-1].extent.start.offset
    head = re.sub(r'//[^\n]*', '', data[cursor.extent.start.offset:name].decode())
    head = re.sub(r'^template\s*<\s*class\s*>', '', head.strip())
    head = re.sub(r'\binline\b', '', head).strip()
    text = data[name:opening.extent.start.offset].decode() + '<>' + \
        data[opening.extent.start.offset:body].decode()
    return re.sub(r'\s+', ' ', 'template %s %s' % (head, text)).strip() + ';'


def public(rel, seen=()):
    """The header to include for `rel`: itself when public, else (for a detail or
    _impl header) the public header that includes it, or itself when none does."""
    if '/detail/' not in rel and not rel.endswith('_impl.hpp'):
        return rel
    for root, _, files in os.walk(os.path.join(INCLUDE, 'mlguard')):
        for f in sorted(files):
            path = os.path.relpath(os.path.join(root, f), INCLUDE)
            if path not in seen and '"%s"' % rel in open(os.path.join(INCLUDE, path)).read():
                return public(path, seen + (rel,))
    return rel


def collect():
    index = ci.Index.create()
    umbrella = os.path.join(INCLUDE, 'mlguard', 'mlguard.hpp')
    mains = [umbrella]
    listed = open(umbrella).read()
    for root, _, files in os.walk(os.path.join(INCLUDE, 'mlguard')):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(root, name), INCLUDE)
            if name.endswith('.hpp') and '/detail/' not in rel and \
                    not name.endswith('_impl.hpp') and rel not in listed:
                mains.append(os.path.join(root, name))
    classes, functions, headers = {}, {}, {}
    for main in mains:
        tu = index.parse(main, args=ARGS)
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        if errors:
            sys.exit('libclang cannot parse %s: %s' % (main, errors[0]))

        def visit(cursor):
            for k in cursor.get_children():
                f = k.location.file
                if f is None or not f.name.startswith(INCLUDE):
                    continue
                if k.kind == K.NAMESPACE:
                    visit(k)
                elif not (k.is_definition() and in_block(k)):
                    continue
                rel = os.path.relpath(f.name, INCLUDE)
                module = rel.split('/')[1]
                if k.kind in MEMBERS or k.kind == K.FUNCTION_TEMPLATE and \
                        k.semantic_parent.kind == K.CLASS_TEMPLATE:
                    cls = k.semantic_parent
                    words = [t.spelling for t in cls.get_tokens()
                             if t.kind == ci.TokenKind.KEYWORD][:4]
                    key = 'struct' if 'struct' in words else 'class'
                    classes.setdefault(module, set()).add('%s %s' % (key, qualified(cls)))
                    headers.setdefault(module, set()).add(public(rel))
                elif k.kind == K.FUNCTION_TEMPLATE:
                    data = open(f.name, 'rb').read()
                    ns = qualified(k.semantic_parent)
                    functions.setdefault(module, {}).setdefault(ns, set()).add(
                        instantiation(k, data))
                    headers.setdefault(module, set()).add(public(rel))
        visit(tu.cursor)
    return classes, functions, headers


def render(module, classes, functions, headers):
    lines = ['// Generated by tools/compiled_sources.py: the %s module\'s share of the' % module,
             '// mlguard::compiled library (docs/core.md#compiled-mode). Do not edit.', '',
             '#define MLGUARD_COMPILED_LIBRARY // core/compiled.hpp: definitions not inline', '']
    lines += ['#include "%s"' % h for h in sorted(headers)]
    lines.append('')
    lines += ['template %s<void>;' % c for c in sorted(classes, key=lambda c: c.split()[1])]
    for ns in sorted(functions):
        lines += ['', 'namespace %s {' % ns]
        lines += sorted(functions[ns])
        lines.append('} // namespace %s' % ns)
    text = '\n'.join(lines) + '\n'
    # formatted as the repository's .clang-format asks, so CI's format check passes
    return subprocess.run(['clang-format', '--assume-filename=%s/%s.cpp' % (OUT, module)],
                          input=text, capture_output=True, text=True, check=True).stdout


def main():
    check = '--check' in sys.argv[1:]
    classes, functions, headers = collect()
    wanted = {'%s.cpp' % m: render(m, classes.get(m, ()), functions.get(m, {}), headers[m])
              for m in headers}
    have = set(os.listdir(OUT)) if os.path.isdir(OUT) else set()
    stale = sorted(n for n in wanted if n not in have or open(os.path.join(OUT, n)).read()
                   != wanted[n]) + sorted(have - set(wanted))
    if check:
        if stale:
            print('src/compiled/ is stale (%s): run python3 tools/compiled_sources.py'
                  % ', '.join(stale))
            return 1
        return 0
    os.makedirs(OUT, exist_ok=True)
    for name in have - set(wanted):
        os.remove(os.path.join(OUT, name))
    for name, text in wanted.items():
        with open(os.path.join(OUT, name), 'w') as f:
            f.write(text)
    print('wrote %d sources in src/compiled/' % len(wanted))
    return 0


if __name__ == '__main__':
    sys.exit(main())
