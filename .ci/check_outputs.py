"""Check that the committed notebooks show their results, and that what they show is not empty:

- every notebook but the index has outputs, and every cell that displays something (its last statement an
  expression, not ending in `;`, not a test) has an output, except the cells after a stop for a missing dataset
  (a `DatasetNeeded` error: *Run all* stops there on purpose, and the cells below it have no outputs);
- no other cell shows an error;
- no picture is blank or nearly one colour;
- no output shows an empty caption (`''` in a list, `text=''`, an empty cell of a table's caption column);
- no attention map (`plot_attention`'s grid of panels) has all its panels alike, as uniform attention draws them;
- pictures inside HTML outputs (an explorer's static picture) pass the same checks, and no attention explorer
  shows an empty caption or the same attention for every word;
- every chapter that shows a trained captioner shows the same one: the lines `captioner: KIND sha256 DIGITS`
  (printed by `trained_captioner()`) hold one set of digits per kind across all notebooks;
- nbs/ is under 8 MB.

The outputs come from `python .ci/run_notebooks.py --write`.

    python .ci/check_outputs.py
    python .ci/check_outputs.py --self-test   # the checks on synthetic pictures and outputs (imports TensorFlow)
"""
import ast, base64, html.parser, io, json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parents[1]/'nbs'
TESTS = ('test_eq', 'test_fail', 'test_close', 'test_ne', 'test_is')
QUIET = ('print', 'append', 'extend', 'update', 'close', 'write', 'write_text', 'write_bytes', 'remove', 'add', 'clear',
         'sort', 'insert', 'mkdir', 'unlink', 'savefig', 'show', 'set', 'assign', 'save_weights', 'kill',
         'terminate', 'set_option')  # calls that return None
MAX_BYTES = 8 << 20
STOP = 'DatasetNeeded'  # the error a chapter raises to stop Run all where it needs a dataset (see run_notebooks.py)


def displays(src):
    "Whether a code cell's source ends in an expression that Jupyter shows."
    if src.lstrip().startswith(('#| hide', '#| export', '#|hide', '#|export')) or src.rstrip().endswith(';'): return False
    try: body = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))).body
    except SyntaxError: return False
    if not body or not isinstance(body[-1], ast.Expr): return False
    v = body[-1].value
    if isinstance(v, ast.Call) and getattr(v.func, 'id', getattr(v.func, 'attr', '')) in TESTS + QUIET: return False
    return not isinstance(v, ast.Constant)


def png_pixels(data):
    "An RGB `uint8` array of a PNG (bytes or base64 text), transparency laid on white."
    import numpy as np
    from PIL import Image
    if isinstance(data, str): data = base64.b64decode(data)
    img = Image.open(io.BytesIO(data)).convert('RGBA')
    white = Image.new('RGBA', img.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, img).convert('RGB'))


def blank_picture(px, max_share=0.995, min_std=3.0):
    "Why the picture `px` (H, W, 3) shows nothing: almost all one colour, or almost no contrast; else None."
    import numpy as np
    flat = px.reshape(-1, 3).astype(np.int64)
    codes = flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2]
    share = np.unique(codes, return_counts=True)[1].max() / len(codes)
    if share > max_share: return f'blank picture: {share:.2%} of its pixels are one colour'
    if px.std() < min_std: return f'near-uniform picture: pixel std {px.std():.1f}'
    return None


def _runs(mask):
    "`(start, end)` of each run of True in a 1-d boolean array."
    import numpy as np
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def picture_panels(px, min_side=24, white=235):
    "Boxes `(y0, y1, x0, x1)` of the dense rectangles of a figure separated by white gutters (text is not dense)."
    import numpy as np
    ink = (px < white).any(-1)
    rows = [max((e - s for s, e in _runs(r)), default=0) >= min_side for r in ink]  # rows crossing a panel
    boxes = []
    for y0, y1 in _runs(np.array(rows)):
        if y1 - y0 < min_side: continue
        for x0, x1 in _runs(ink[y0:y1].mean(0) >= 0.9):
            if x1 - x0 >= min_side: boxes.append((y0, y1, x0, x1))
    return boxes


def alike_panels(px, max_diff=4.0, min_std=3.0):
    "Why the figure's picture panels (two or more, not flat bars) are all alike, as uniform attention draws them; else None."
    import numpy as np
    from PIL import Image
    panels = [px[y0:y1, x0:x1] for y0, y1, x0, x1 in picture_panels(px)]
    panels = [p for p in panels if p.std() >= min_std]
    if len(panels) < 2: return None
    small = [np.asarray(Image.fromarray(p).resize((16, 16), Image.BOX), np.float32) for p in panels]
    diff = max(np.abs(s - small[0]).mean() for s in small[1:])
    if diff >= max_diff: return None
    return f'{len(panels)} panels all alike (mean difference {diff:.1f} of 255): the same attention for every word?'


class _Table(html.parser.HTMLParser):
    "The rows of the first HTML table: `head` and `body`, each a list of rows of cell texts."
    def __init__(self):
        super().__init__(); self.head, self.body, self.part, self.cell = [], [], None, None
    def handle_starttag(self, tag, attrs):
        if tag in ('thead', 'tbody'): self.part = self.head if tag == 'thead' else self.body
        elif tag == 'tr' and self.part is not None: self.part.append([])
        elif tag in ('td', 'th') and self.part: self.cell = ''
    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self.cell is not None: self.part[-1].append(self.cell.strip()); self.cell = None
        elif tag in ('thead', 'tbody'): self.part = None
    def handle_data(self, data):
        if self.cell is not None: self.cell += data


EMPTY_IN_LIST = re.compile(r'''[\[(,]\s*(''|"")\s*(?=[,\])])''')  # ['', 'a'], ('',), ['a', '']
EMPTY_FIELD = re.compile(r'''\b(text|caption)\s*=\s*(''|"")''')    # Caption(text='', ...)


def empty_caption(output):
    "Why an output shows an empty caption (an empty string in a list, `text=''`, an empty caption cell); else None."
    data = output.get('data', {})
    text = ''.join(output.get('text', '')) + ''.join(data.get('text/plain', ''))
    if m := EMPTY_IN_LIST.search(text) or EMPTY_FIELD.search(text):
        return f'an empty caption: ...{text[max(m.start() - 30, 0):m.end() + 10]!r}...'
    if 'text/html' in data:
        t = _Table(); t.feed(''.join(data['text/html']))
        width = max(map(len, t.body), default=0)
        head = next((r for r in reversed(t.head) if len(r) == width), [])
        cols = [i for i, h in enumerate(head) if 'caption' in h.lower()]
        if any(len(r) == width and r[i] == '' for r in t.body for i in cols):
            return 'an empty cell in a table\'s caption column'
    return None


DATA_URI = re.compile(r'src="data:image/(?:png|jpeg);base64,([A-Za-z0-9+/=]+)"')
EXPLORER = re.compile(r'<script type="application/json" data-ica="[^"]+">(.*?)</script>', re.S)


def html_pictures(text):
    "The pixels of each `data:` image inside an HTML output."
    return [png_pixels(m.group(1)) for m in DATA_URI.finditer(text)]


def explorer_problem(text):
    "Why an attention explorer in an HTML output shows nothing: a beam with no words, or every word's attention alike."
    import numpy as np
    for m in EXPLORER.finditer(text):
        state = json.loads(m.group(1))
        for item in state.get('items', [state]):
            for b in item['beams']:
                if not b['words']: return f'an explorer of {item.get("name") or "an image"} shows an empty caption'
                att = np.frombuffer(base64.b64decode(b['att']), np.uint8).reshape(len(b['words']), -1)
                if len(att) > 1 and (att == att[0]).all(): return f'an explorer shows the same attention for every word'
    return None


def stops_for_data(cell):
    "Whether a cell stopped Run all on purpose, for a missing dataset."
    return any(o.get('output_type') == 'error' and o.get('ename') == STOP for o in cell.get('outputs', []))


def notebook_problems(name, nb):
    "What is wrong with the outputs of notebook `nb` (a dict), one line each."
    cells = [c for c in nb['cells'] if c['cell_type'] == 'code']
    out, stopped = [], False
    if cells and Path(name).stem != 'index' and not any(c.get('outputs') for c in cells):  # an appendix of prose has none
        out.append(f'{name}: no outputs at all')
    for i, c in enumerate(cells):
        where, src = f'{name}: code cell {i + 1}', ''.join(c['source'])
        if stopped:
            if c.get('outputs'): out.append(f'{where} has outputs after the stop for a dataset (stale?)')
            continue
        if stops_for_data(c): stopped = True; continue
        if displays(src) and not c.get('outputs'):
            out.append(f'{where} shows a value but has no output: {src.splitlines()[-1][:60]}')
        for o in c.get('outputs', []):
            if o.get('output_type') == 'error':
                out.append(f'{where} shows an error: {o.get("ename")}: {o.get("evalue", "")[:80]}')
            if why := empty_caption(o): out.append(f'{where}: {why}')
            if png := o.get('data', {}).get('image/png'):
                px = png_pixels(png)
                if why := blank_picture(px) or alike_panels(px): out.append(f'{where}: {why}')
            if text := ''.join(o.get('data', {}).get('text/html', '')):
                for px in html_pictures(text):
                    if why := blank_picture(px) or alike_panels(px): out.append(f'{where}: {why}')
                if why := explorer_problem(text): out.append(f'{where}: {why}')
    return out


CAPTIONER = re.compile(r'^captioner: (\S+) sha256 ([0-9a-f]{12})$', re.M)


def captioner_problems(notebooks):
    "Why the notebooks `{name: nb}` show more than one trained captioner of a kind (their `captioner:` lines); else []."
    seen = {}  # kind: {digits: [notebook, ...]}
    for name, nb in notebooks.items():
        for c in nb['cells']:
            for o in c.get('outputs', []):
                text = ''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', ''))
                for kind, digits in CAPTIONER.findall(text): seen.setdefault(kind, {}).setdefault(digits, []).append(name)
    return [f'the {kind} captioner differs between chapters: ' + '; '.join(f'{d} in {", ".join(sorted(set(n)))}'
            for d, n in sorted(by.items())) for kind, by in sorted(seen.items()) if len(by) > 1]


def problems():
    out, notebooks = [], {f.name: json.loads(f.read_text()) for f in sorted(NBS.glob('*.ipynb'))}
    for name, nb in notebooks.items(): out += notebook_problems(name, nb)
    out += captioner_problems(notebooks)
    for f in sorted((NBS/'images').glob('*.png')):  # the README's picture, written by a Run all
        px = png_pixels(f.read_bytes())
        if why := blank_picture(px) or alike_panels(px): out.append(f'{f.relative_to(NBS.parent)}: {why}')
    size = sum(p.stat().st_size for p in NBS.rglob('*') if p.is_file())
    if size > MAX_BYTES: out.append(f'nbs/ is {size / 2**20:.1f} MB, over {MAX_BYTES >> 20} MB')
    return out, size


def self_test():
    "Each check on synthetic cases: the empty ones must fail, the real ones pass."
    import numpy as np, pandas as pd, matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    def png(fig):
        buf = io.BytesIO(); fig.savefig(buf, format='png', dpi=64, bbox_inches='tight'); plt.close(fig)
        return png_pixels(buf.getvalue())
    def attention_figure(attention):
        from image_caption_attention.shapes import random_scene, draw_scene
        from image_caption_attention.inference import Caption, plot_attention
        rng = np.random.default_rng(0)
        img = np.asarray(draw_scene(random_scene(rng, n_objects=2), rng))
        words = 'a big red circle to the left of a small blue square'.split()
        return png(plot_attention(img, Caption(' '.join(words), words, attention, 0.0)))
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(4, 2.5)); ax.plot(np.cumsum(rng.normal(size=50))); ax.set_title('a loss curve')
    yy, xx = np.mgrid[0:8, 0:8]
    peaks = np.stack([np.exp(-((yy - rng.integers(8)) ** 2 + (xx - rng.integers(8)) ** 2) / 4.0) for _ in range(11)])
    dot = np.full((150, 200, 3), 255, np.uint8); dot[70:73, 90:93] = 0
    pictures = {  # name: (pixels, should fail)
        'blank white PNG': (np.full((150, 200, 3), 255, np.uint8), True),
        'near-uniform grey with faint noise': (np.clip(rng.normal(128, 1, (150, 200, 3)), 0, 255).astype(np.uint8), True),
        'white with one dot': (dot, True),
        'a line plot': (png(fig), False),
        'plot_attention, uniform attention': (attention_figure(np.full((11, 8, 8), 1 / 64)), True),
        'plot_attention, every word on the same spot': (attention_figure(np.repeat(peaks[:1], 11, 0)), True),
        'plot_attention, varied attention': (attention_figure(peaks / peaks.sum((1, 2), keepdims=True)), False),
    }
    shown = lambda kind, text: {'output_type': 'execute_result', 'data': {kind: text}}
    table = lambda caps: shown('text/html', pd.DataFrame({'image': ['x.png', 'y.png'], 'caption': caps}).to_html())
    outputs = {  # name: (output, should fail)
        "['', '', '']": (shown('text/plain', "['', '', '']"), True),
        "print of ['a red circle', '']": ({'output_type': 'stream', 'text': "['a red circle', '']\n"}, True),
        "Caption(text='', ...)": (shown('text/plain', "Caption(text='', words=[])"), True),
        'two captions': (shown('text/plain', "['a red circle', 'a blue square']"), False),
        'table, an empty caption cell': (table(['a red circle', '']), True),
        'table, full caption cells': (table(['a red circle', 'a square']), False),
    }
    cell = lambda src, outs=(): {'cell_type': 'code', 'source': src, 'outputs': list(outs)}
    stop = {'output_type': 'error', 'ename': STOP, 'evalue': 'no dataset', 'traceback': ['no dataset']}
    notebooks = {  # name: (notebook, should fail)
        'a value shown after a stop for a dataset': ({'cells': [cell('1', [stop]), cell('x')]}, False),
        'a value not shown, no stop': ({'cells': [cell('1', [{'output_type': 'stream', 'text': '1'}]), cell('x')]}, True),
        'an output after the stop (stale)': ({'cells': [cell('1', [stop]), cell('x', [shown('text/plain', '1')])]}, True),
        'another error': ({'cells': [cell('1', [{**stop, 'ename': 'ValueError'}])]}, True),
    }
    results = [(n, blank_picture(px) or alike_panels(px), bad) for n, (px, bad) in pictures.items()]
    results += [(n, empty_caption(o), bad) for n, (o, bad) in outputs.items()]
    from image_caption_attention.explorer import show_attention
    from image_caption_attention.inference import Caption
    photo = np.random.default_rng(1).integers(0, 255, (64, 64, 3)).astype(np.uint8)
    explorer = lambda words, att: show_attention(photo, Caption(' '.join(words), words, att, 0.0, np.ones(len(words))))._repr_html_()
    explorers = {  # name: (html, should fail)
        'an explorer, varied attention': (explorer(['a', 'dog'], peaks[:2]), False),
        'an explorer, no words': (explorer([], np.zeros((0, 8, 8))), True),
        'an explorer, the same attention for every word': (explorer(['a', 'dog'], np.repeat(peaks[:1], 2, 0)), True),
    }
    results += [(n, explorer_problem(h), bad) for n, (h, bad) in explorers.items()]
    results += [(n, '; '.join(notebook_problems('nb', nb)), bad) for n, (nb, bad) in notebooks.items()]
    said = lambda *lines: {'cells': [cell('tc', [{'output_type': 'stream', 'text': ''.join(l + '\n' for l in lines)}])]}
    books = {  # name: ({notebook: nb}, should fail)
        'one demo captioner in two chapters': ({'a': said('captioner: demo sha256 0123456789ab'),
                                                'b': said('x', 'captioner: demo sha256 0123456789ab')}, False),
        'two demo captioners': ({'a': said('captioner: demo sha256 0123456789ab'),
                                 'b': said('captioner: demo sha256 0123456789ac')}, True),
        'a demo and a classic captioner': ({'a': said('captioner: demo sha256 0123456789ab'),
                                            'b': said('captioner: classic sha256 ffffffffffff')}, False),
    }
    results += [(n, '; '.join(captioner_problems(b)), bad) for n, (b, bad) in books.items()]
    wrong = 0
    for name, why, bad in results:
        ok = bool(why) == bad; wrong += not ok
        print(f'{"ok " if ok else "WRONG"} {"fails" if why else "passes"}: {name}{": " + why if why else ""}')
    if wrong: sys.exit(f'self-test: {wrong} check(s) wrong')
    print(f'self-test: all {len(results)} cases as expected')


if __name__ == '__main__':
    if sys.argv[1:] == ['--self-test']: self_test(); sys.exit()
    found, size = problems()
    for p in found: print(p, file=sys.stderr)
    if found: sys.exit(f'{len(found)} notebook output problem(s): run `python .ci/run_notebooks.py --write` and commit')
    print(f'every notebook shows its outputs; nbs/ is {size / 2**20:.1f} MB')
