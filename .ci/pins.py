"""The package sets of .ci/pins: what an environment holds, what settings.ini's floors are, and what pip would change.

python .ci/pins.py versions PINS     the versions this environment has of PINS's packages
python .ci/pins.py held PINS         the environment holds exactly the versions PINS names
python .ci/pins.py floors PINS       settings.ini's lowest versions are PINS's, for each package both name
python .ci/pins.py kept PINS REPORT  pip's --dry-run --report REPORT installs none of PINS's packages (none is changed)
"""
import json, shlex, sys
from configparser import ConfigParser
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

def pins(fname):
    "`{package: version}` of a pins file (`name==version` lines; `#` comments)."
    out = {}
    for n, line in enumerate(Path(fname).read_text().splitlines(), 1):
        line = line.split('#')[0].strip()
        if not line: continue
        r = Requirement(line)
        spec = [s for s in r.specifier if s.operator == '==']
        if len(spec) != 1: sys.exit(f'{fname}:{n}: expected name==version, not {line!r}')
        out[canonicalize_name(r.name)] = spec[0].version
    return out

def have(name):
    try: return version(name)
    except PackageNotFoundError: return 'not installed'

def versions(fname): print(', '.join(f'{name} {have(name)}' for name in pins(fname)))

def held(fname):
    bad = []
    for name, want in pins(fname).items():
        if have(name) != want: bad.append(f'{name} {have(name)} (pinned {want})')
    if bad: sys.exit(f'{fname}: the environment does not hold its pins: {"; ".join(bad)}')
    print(f'{Path(fname).name}: {", ".join(f"{k} {v}" for k, v in pins(fname).items())}')

UNFLOORED = {'protobuf'}  # TensorFlow pins its own range: a floor of ours would add nothing

def floors(fname, settings='settings.ini'):
    cfg = ConfigParser(delimiters=['=']); cfg.read(settings, encoding='utf-8')
    reqs = {canonicalize_name(r.name): r for r in map(Requirement, shlex.split(cfg['DEFAULT']['requirements']))}
    bad = []
    for name, want in pins(fname).items():
        if name not in reqs:
            if name not in UNFLOORED: bad.append(f'{name}: not among the requirements')
            continue
        low = [s.version for s in reqs[name].specifier if s.operator == '>=']
        if low != [want]: bad.append(f'{name}: {reqs[name]} (the oldest set that runs has {want})')
    if bad: sys.exit(f'{settings}: floors differ from {fname}: {"; ".join(bad)}')
    print(f'{settings}: floors are {Path(fname).name}\'s')

def kept(fname, report):
    installs = {canonicalize_name(i['metadata']['name']): i['metadata']['version'] for i in json.loads(Path(report).read_text())['install']}
    changed = [f'{n} {pins(fname)[n]} → {v}' for n, v in installs.items() if n in pins(fname)]
    if changed: sys.exit(f'installing the package would change the set of {fname}: {"; ".join(changed)}')
    print(f'pip would add {len(installs)} packages ({", ".join(sorted(installs))}) and change none of {Path(fname).name}\'s')

if __name__ == '__main__':
    cmds = {'versions': versions, 'held': held, 'floors': floors, 'kept': kept}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds: sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
