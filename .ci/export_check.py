"""The exports used without this package, in fresh virtual environments (`.ci/run`, part `export`).

    python .ci/export_check.py make OUT        # with the package: two captioners exported, and what they caption
    (each EXAMPLES program runs in an environment holding only what it names: OUT/run.sh says what)
    python .ci/export_check.py compare OUT     # with the package: the programs' captions against Captioner.caption

The captioners: the demo's (the chapters' cache), and an InceptionV3 one (stand-in ImageNet weights, as
.ci/standin.py writes them; its decoder trained briefly on shapes, so that its captions are not near-ties).
Each is exported at beam 1 and 3 in every format, and at beam 3 as a float16 LiteRT file.
"""
import json, os, sys
from pathlib import Path
import numpy as np
import image_caption_attention  # noqa: F401  before TensorFlow: its start-up lines stay quiet

sys.path.insert(0, str(Path(__file__).parent))
BEAMS = (1, 3)
TOLERANCE = 1e-3  # of scores and attention, float32 weights (the chapter Export prints what they are)


def inception_captioner(out):
    "A captioner on InceptionV3 (stand-in weights), its decoder trained briefly on 300 shapes; its test images."
    from standin import write_standin_weights, WEIGHTS_FILE
    from image_caption_attention.cli import run_train
    from image_caption_attention.inference import Captioner
    from image_caption_attention.recipes import Recipe
    from image_caption_attention.shapes import make_shapes_dataset
    weights = out/'keras'/WEIGHTS_FILE
    write_standin_weights(weights)
    data = make_shapes_dataset(out/'shapes', n_images=300, seed=5)
    run_train(data, out/'run', Recipe(backbone='inception_v3', embed_dim=64, units=128, epochs=6, patience=0),
              split='random', weights=str(weights), progress=False)
    os.environ['ICA_WEIGHTS'] = str(weights.parent)  # where Captioner.load finds the backbone's weights offline
    held_out = make_shapes_dataset(out/'held_out', n_images=40, seed=6)
    return Captioner.load(out/'run'/'model'), sorted((held_out/'Images').glob('*.jpg'))


def make(out):
    from PIL import Image
    from image_caption_attention.demo import trained_captioner
    from image_caption_attention.export import EXAMPLES
    from image_caption_attention.recipes import EXPORT_FORMATS
    out.mkdir(parents=True, exist_ok=True)
    tc = trained_captioner('demo', progress=False)
    captioners = {'demo': (tc.captioner, [tc.image_root/n for n in tc.test_images]),
                  'inception_v3': inception_captioner(out/'inception')}
    for f, text in EXAMPLES.items(): (out/f'caption_{f}.py').write_text(text)
    jobs, want = [], {}
    for name, (cap, images) in captioners.items():
        (out/f'{name}.images').write_text('\n'.join(map(str, images)))
        pillow = [np.asarray(Image.open(p).convert('RGB')) for p in images]
        for beam in BEAMS:
            for what, inputs in (('files', images), ('pixels', pillow)):
                want[f'{name} {beam} {what}'] = [(c.text, c.score, c.attention.reshape(len(c.words), -1).tolist())
                                                 for c in cap.caption(inputs, beam=beam)]
            for f in EXPORT_FORMATS + ('litert float16',) * (beam == 3):
                fmt, f16 = f.split()[0], f.endswith('float16')
                path = out/f'{name}-{beam}-{f.replace(" ", "-")}{ {"saved_model": "", "litert": ".tflite", "onnx": ".onnx"}[fmt]}'
                cap.export(path, fmt, beam, float16=f16)
                jobs.append((fmt, path, name, f'{name} {beam} {f}'))
            print(f'{name}, beam {beam}: exported', flush=True)
    (out/'want.json').write_text(json.dumps(want))
    (out/'jobs.json').write_text(json.dumps([(f, str(p), n, k) for f, p, n, k in jobs]))


def run(out, fmt, python):
    "Run every export of `fmt` with its program, by `python` (an environment without this package)."
    import subprocess
    for f, path, name, key in json.loads((out/'jobs.json').read_text()):
        if f != fmt: continue
        images = (out/f'{name}.images').read_text().split('\n')
        r = subprocess.run([python, str(out/f'caption_{f}.py'), path, *images], capture_output=True, text=True,
                           cwd=out)  # outside the checkout: its package folder is not importable from there
        if r.returncode: sys.exit(f'{key}: the program failed:\n{r.stderr[-2000:]}')
        (out/f'{key.replace(" ", "_")}.jsonl').write_text(r.stdout)


def compare(out):
    from image_caption_attention.export import agreement
    from image_caption_attention.inference import Caption
    want = json.loads((out/'want.json').read_text())
    rows, failed = [], []
    for f, path, name, key in json.loads((out/'jobs.json').read_text()):
        beam = key.split()[1]
        lines = [json.loads(l) for l in (out/f'{key.replace(" ", "_")}.jsonl').read_text().splitlines() if l.startswith('{')]
        # the SavedModel reads the files, as Captioner.caption does; the other programs decode them with Pillow
        caps = [Caption(t, t.split(), np.asarray(att).reshape(len(t.split()), -1), s)
                for t, s, att in want[f'{name} {beam} {"files" if f == "saved_model" else "pixels"}']]
        a = agreement(caps, lines)
        rows.append({'export': key, **a})
        f16 = key.endswith('float16')
        if not f16 and (a['same caption'] != len(caps) or len(lines) != len(caps)
                        or a['largest score difference'] > TOLERANCE or a['largest attention difference'] > TOLERANCE):
            failed.append(key)
    for r in rows: print('  '.join(f'{k}: {v:.2e}' if isinstance(v, float) else f'{k}: {v}' for k, v in r.items()))
    if failed: sys.exit(f'these exports do not caption as Captioner.caption does: {", ".join(failed)}')
    print(f'every float32 export captions as Captioner.caption does ({len(rows)} exports, tolerance {TOLERANCE})')


if __name__ == '__main__':
    what, out = sys.argv[1], Path(sys.argv[2])
    if what == 'make': make(out)
    elif what == 'run': run(out, sys.argv[3], sys.argv[4])
    elif what == 'compare': compare(out)
    else: sys.exit(f'unknown command {what}: make, run or compare')
