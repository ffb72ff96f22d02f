"""A stand-in of Kaggle's Flickr8k and of Keras' ImageNet weights, for rehearsing the real run offline.

    python .ci/standin.py OUT [--captions ../shared/data/flickr8k_text/Flickr8k.token.txt] [--images 300]

writes
- OUT/flickr8k/captions.txt: the real captions of the chosen images, exactly as Kaggle's copy has them
  (header `image,caption`, CSV quoting, without the image Kaggle's copy lacks);
- OUT/flickr8k/Images/*.jpg: generated JPEGs at Flickr8k's sizes, under the real names;
- OUT/keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5: an InceptionV3 with random
  weights, in the layout of the file Keras downloads (Keras 2's HDF5 weights layout, read by `keras.applications`).

Then `ICA_FLICKR8K=OUT/flickr8k KERAS_HOME=OUT/keras` make the notebooks see them where a user's would be.
Figures computed on the stand-in are meaningless; the code path is what it checks.
"""
import argparse, csv, io, os, sys
from pathlib import Path
import numpy as np
import image_caption_attention  # noqa: F401  before Keras: TensorFlow's start-up lines stay quiet

KAGGLE_LACKS = '2258277193_586949ec62.jpg'  # in Flickr8k.token.txt, not in Kaggle's captions.txt
SIZES = [(500, 375), (500, 333), (375, 500), (333, 500), (500, 500), (500, 334), (500, 281)]  # Flickr8k's commonest
WEIGHTS_FILE = 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5'


def save_keras2_weights(model, path):
    "Write `model`'s weights in Keras 2's HDF5 layout (root attribute `layer_names`, a group per layer)."
    import h5py
    layers = [l for l in model.layers if l.weights]
    with h5py.File(path, 'w') as f:
        f.attrs['layer_names'] = [l.name.encode() for l in layers]
        f.attrs['backend'], f.attrs['keras_version'] = b'tensorflow', b'2.15.0'
        for l in layers:
            g = f.create_group(l.name)
            weights = l.trainable_weights + l.non_trainable_weights  # the order the loader expects
            names = [f'{l.name}/{w.name}:0' for w in weights]
            g.attrs['weight_names'] = [n.encode() for n in names]
            for n, w in zip(names, weights): g.create_dataset(n, data=np.asarray(w.numpy()))
    return path


def write_standin_weights(path, seed=0):
    "An InceptionV3 (no top) with random weights saved to `path` like Keras' ImageNet download; returns the model."
    import keras
    keras.utils.set_random_seed(seed)
    model = keras.applications.InceptionV3(include_top=False, weights=None, input_shape=(299, 299, 3))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_keras2_weights(model, path)
    return model


def write_standin_flickr8k(out, token_file, n_images=300, seed=0):
    "Kaggle's Flickr8k layout under `out`: the real captions of `n_images` images, and generated JPEGs."
    from PIL import Image
    rows = []
    for line in Path(token_file).read_text(encoding='utf-8').splitlines():
        key, _, caption = line.partition('\t')
        name = key.rpartition('#')[0]
        if name.endswith('.jpg') and name != KAGGLE_LACKS: rows.append((name, caption))
    names = list(dict.fromkeys(n for n, _ in rows))
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(names, size=min(n_images, len(names)), replace=False))
    out = Path(out); (out/'Images').mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    csv.writer(text, lineterminator='\n').writerows([('image', 'caption')] + [r for r in rows if r[0] in chosen])
    (out/'captions.txt').write_text(text.getvalue(), encoding='utf-8')
    for name in sorted(chosen):  # smooth random colour fields with noise: JPEGs of a realistic size
        w, h = SIZES[rng.integers(len(SIZES))]
        small = rng.uniform(0, 255, (6, 8, 3)).astype(np.uint8)
        img = np.asarray(Image.fromarray(small).resize((w, h), Image.BICUBIC), np.float32)
        img = np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(out/'Images'/name, quality=90)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('out', help='folder to write the stand-in into')
    p.add_argument('--captions', default=str(Path(__file__).resolve().parents[2]/'shared/data/flickr8k_text/Flickr8k.token.txt'),
                   help='the real Flickr8k.token.txt')
    p.add_argument('--images', type=int, default=300, help='how many images (default 300)')
    a = p.parse_args(argv)
    if not Path(a.captions).is_file(): sys.exit(f'standin: {a.captions} not found (the real captions are needed)')
    out = Path(a.out)
    write_standin_flickr8k(out/'flickr8k', a.captions, a.images)
    write_standin_weights(out/'keras'/'models'/WEIGHTS_FILE)
    print(f'ICA_FLICKR8K={out/"flickr8k"} KERAS_HOME={out/"keras"}')


if __name__ == '__main__':
    main()
