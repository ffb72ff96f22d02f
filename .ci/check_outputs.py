"""Check that the committed notebooks show their results: every notebook but the index has outputs, and every
cell that displays something (its last statement an expression, not ending in `;`, not a test) has an output.
The outputs come from `python .ci/run_notebooks.py --write`. Also checks the size of nbs/ (under 8 MB).

    python .ci/check_outputs.py
"""
import ast, json, sys
from pathlib import Path

NBS = Path(__file__).resolve().parents[1]/'nbs'
TESTS = ('test_eq', 'test_fail', 'test_close', 'test_ne', 'test_is')
QUIET = ('print', 'append', 'extend', 'update', 'close', 'write', 'write_text', 'write_bytes', 'remove', 'add', 'clear',
         'sort', 'insert', 'mkdir', 'unlink', 'savefig', 'show', 'set', 'assign')  # calls that return None
MAX_BYTES = 8 << 20


def displays(src):
    "Whether a code cell's source ends in an expression that Jupyter shows."
    if src.lstrip().startswith(('#| hide', '#| export', '#|hide', '#|export')) or src.rstrip().endswith(';'): return False
    try: body = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))).body
    except SyntaxError: return False
    if not body or not isinstance(body[-1], ast.Expr): return False
    v = body[-1].value
    if isinstance(v, ast.Call) and getattr(v.func, 'id', getattr(v.func, 'attr', '')) in TESTS + QUIET: return False
    return not isinstance(v, ast.Constant)


def problems():
    out = []
    for f in sorted(NBS.glob('*.ipynb')):
        cells = [c for c in json.loads(f.read_text())['cells'] if c['cell_type'] == 'code']
        if f.stem != 'index' and not any(c.get('outputs') for c in cells): out.append(f'{f.name}: no outputs at all')
        for i, c in enumerate(cells):
            if displays(''.join(c['source'])) and not c.get('outputs'):
                out.append(f'{f.name}: code cell {i + 1} shows a value but has no output: {"".join(c["source"]).splitlines()[-1][:60]}')
    size = sum(p.stat().st_size for p in NBS.rglob('*') if p.is_file())
    if size > MAX_BYTES: out.append(f'nbs/ is {size / 2**20:.1f} MB, over {MAX_BYTES >> 20} MB')
    return out, size


if __name__ == '__main__':
    found, size = problems()
    for p in found: print(p, file=sys.stderr)
    if found: sys.exit(f'{len(found)} notebook output problem(s): run `python .ci/run_notebooks.py --write` and commit')
    print(f'every notebook shows its outputs; nbs/ is {size / 2**20:.1f} MB')
