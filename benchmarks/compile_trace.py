#!/usr/bin/env python3
"""Where a header's compile time goes: clang -ftime-trace of a TU that includes
only that header, listing the top-level template instantiations by duration.

  python3 benchmarks/compile_trace.py drift/drift_monitor.hpp [N] [--include DIR]
DIR defaults to the include/ of the current directory (run it from a checkout).
"""
import json, os, subprocess, sys, tempfile
args = sys.argv[1:]
inc = os.path.abspath('include')
if '--include' in args:
    i = args.index('--include'); inc = args[i + 1]; del args[i:i + 2]
header = args[0]
n = int(args[1]) if len(args) > 1 else 25
with tempfile.TemporaryDirectory() as d:
    tu = os.path.join(d, 'tu.cpp')
    with open(tu, 'w') as f:
        if header == 'base':
            f.write('#include <Eigen/Dense>\n#include <nlohmann/json.hpp>\n')
        else:
            f.write('#include <mlguard/%s>\n' % header)
    out = os.path.join(d, 'tu.o')
    subprocess.run(['clang++', '-std=c++17', '-c', '-o', out, '-ftime-trace',
                    '-ftime-trace-granularity=10', '-I' + inc, '-I/usr/include/eigen3', tu],
                   check=True)
    data = json.load(open(os.path.join(d, 'tu.json')))
ev = [e for e in data['traceEvents'] if e.get('ph') == 'X']
tot = {e['name']: e['dur'] / 1e3 for e in ev if e['name'].startswith('Total')}
print('frontend ms', round(tot.get('Total Frontend', 0)), 'instantiation ms',
      round(tot.get('Total InstantiateFunction', 0)))
inst = [e for e in ev if e['name'] in ('InstantiateFunction', 'InstantiateClass')]
inst.sort(key=lambda e: (e['ts'], -e['dur']))
top, end = [], -1
for e in inst:
    if e['ts'] >= end:
        top.append(e); end = e['ts'] + e['dur']
top.sort(key=lambda e: -e['dur'])
for e in top[:n]:
    print(round(e['dur'] / 1e3), e['args']['detail'][:200])
