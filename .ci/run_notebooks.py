"""Run every notebook as Jupyter's *Run all* does (nbclient, `IN_TEST` unset, flagged cells included), in a
situation a user is in, and optionally write the outputs back.

    python .ci/run_notebooks.py                        # no dataset attached (a laptop, Colab before copying data)
    python .ci/run_notebooks.py --situation standin    # Kaggle's Flickr8k layout, from a stand-in (see standin.py):
                                                       # the chapters that read a dataset or ImageNet weights
    python .ci/run_notebooks.py --write                # no dataset; outputs written into nbs/ (what is committed):
                                                       # the cached captioners trained first, so no chapter's
                                                       # output holds a training's progress
    python .ci/run_notebooks.py 01_data 03_features    # only these notebooks

Prints each notebook's time; exits 1 if any notebook stops with an error (its cell and traceback are shown).
A notebook that stops with `DatasetNeeded` (a chapter's one-line stop where the rest needs a dataset that is not
attached) has stopped where it says it needs data: that is not a failure, and its outputs up to there are written.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
CAPTIONS = ROOT.parent/'shared'/'data'/'flickr8k_text'/'Flickr8k.token.txt'
# The chapters whose Run all changes when the stand-in is attached: they look for Flickr8k (find_flickr8k) or load
# ImageNet weights from the Keras cache. The others make their own data and never look, except 19_robustness's
# offline probe, which accepts either answer: running them again costs ten minutes of CI and tests nothing new.
STANDIN_CHAPTERS = ['01_data', '02_text', '03_features', '08_flickr8k']
# Chapters whose checks compare speeds (serving's batching gain, the benchmarks, the explorer's page times, the exports' times): with
# --jobs they run alone, after the others, so that no other notebook shares the cores with them.
ALONE = ['12_explorer', '16_serve', '18_benchmarks', '20_export']
STOP = 'DatasetNeeded'  # the error a chapter raises to stop Run all where it needs a dataset
KERNEL_ARGS = ['--InlineBackend.figure_formats=png', "--InlineBackend.rc={'figure.dpi': 64}",
               '--IPKernelApp.capture_fd_output=False']  # C++ libraries' own stderr stays out of the outputs


def situation_env(situation, scratch):
    "Environment of the kernel: no dataset and no ImageNet weights, or the stand-in of Kaggle's Flickr8k and weights."
    env = {k: v for k, v in os.environ.items() if k not in ('IN_TEST', 'ICA_FLICKR8K', 'ICA_WEIGHTS')}
    env.update(TF_CPP_MIN_LOG_LEVEL='3', PYTHONHASHSEED='0', KERAS_HOME=str(scratch/'keras'), MPLBACKEND='module://matplotlib_inline.backend_inline')
    if situation == 'standin':
        sys.path.insert(0, str(Path(__file__).parent))
        import standin
        if not CAPTIONS.is_file(): sys.exit(f'run_notebooks: the stand-in needs the real captions at {CAPTIONS}')
        t0 = time.time()
        standin.write_standin_flickr8k(scratch/'flickr8k', CAPTIONS)
        standin.write_standin_weights(scratch/'keras'/'models'/standin.WEIGHTS_FILE)
        print(f'stand-in of Kaggle\'s Flickr8k and of the ImageNet weights built in {time.time() - t0:.0f}s', flush=True)
        env['ICA_FLICKR8K'] = str(scratch/'flickr8k')
    return env


CACHE = os.environ.get('ICA_CACHE', '').rstrip('/')  # a cache moved by ICA_CACHE: shown as the default folder
STEADY = ([(re.compile(re.escape(CACHE)), '~/.cache/image_caption_attention')] if CACHE else []) + [
          (re.compile(r'/tmp/tmp[\w.-]+'), '/tmp/…'), (re.compile(r'/tmp/ipykernel_\d+/\d+\.py'), '<cell>'),
          (re.compile(re.escape(str(Path.home()))), '~'),
          (re.compile(re.escape(str(ROOT))), '.')]

def steady(text):
    "Output text without what changes from run to run or machine to machine (temporary folders, cache, home, checkout)."
    for pat, rep in STEADY: text = pat.sub(rep, text)
    return text

def steady_outputs(nb):
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            if 'text' in out: out['text'] = steady(out['text'])
            for kind in ('text/plain', 'text/html', 'text/markdown'):
                if kind in out.get('data', {}): out['data'][kind] = steady(out['data'][kind])


def run(name, env, write, timeout):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    path = NBS/f'{name}.ipynb'
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(NBS)}},
                            extra_arguments=KERNEL_ARGS)
    saved, log = os.environ.copy(), Path(env['KERAS_HOME']).parent/f'{name}.stderr'
    os.environ.clear(); os.environ.update(env)  # the kernel inherits this process's environment, and its stderr:
    sys.stderr.flush(); fd2, logfd = os.dup(2), os.open(log, os.O_WRONLY | os.O_CREAT)  # TensorFlow's C++ lines go to a log
    os.dup2(logfd, 2)
    t0 = time.time()
    stopped = False
    try: client.execute(); error = None
    except CellExecutionError as e:
        stopped, error = e.ename == STOP, None if e.ename == STOP else (
            str(e) + '\n--- the kernel\'s stderr ends:\n' + log.read_text()[-1500:])
    finally:
        os.dup2(fd2, 2); os.close(fd2); os.close(logfd)
        os.environ.clear(); os.environ.update(saved)
    seconds = time.time() - t0
    if stopped: clear_after_stop(nb)
    if write and error is None:
        steady_outputs(nb)
        nbformat.write(nb, path)
        subprocess.run(['nbdev_clean', '--fname', str(path)], check=True, cwd=ROOT)
    return seconds, error, stopped


def _run_one(job):
    "`run` of a notebook without writing, in a pool's process."
    name, env, timeout = job
    return run(name, env, False, timeout)


def clear_after_stop(nb):
    "Remove the outputs (of an earlier run) of the cells after the one that stopped for a dataset."
    after = False
    for cell in nb.cells:
        if after and cell.cell_type == 'code': cell.outputs, cell.execution_count = [], None
        after = after or any(o.get('ename') == STOP for o in cell.get('outputs', []))


def train_captioners(env):
    "Train the chapters' cached captioners (`trained_captioner`) where the cache lacks them, as CI does before its tests."
    t0 = time.time()
    code = 'from image_caption_attention.demo import train_captioners; train_captioners()'
    subprocess.run([sys.executable, '-c', code], env=env, check=True)  # env: this process's, ICA_CACHE included
    print(f'the chapters\' captioners ready in {time.time() - t0:.0f}s', flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*',
                   help='notebook names (default: all, in order; STANDIN_CHAPTERS with the stand-in)')
    p.add_argument('--situation', choices=['none', 'standin'], default='none', help='no dataset, or the stand-in of Kaggle\'s')
    p.add_argument('--write', action='store_true', help='write the outputs back into nbs/ (situation none only)')
    p.add_argument('--timeout', type=int, default=1800, help='seconds allowed per cell')
    p.add_argument('--jobs', type=int, default=1, help='notebooks run at a time (the ALONE chapters always alone)')
    a = p.parse_args(argv)
    if a.write and a.situation != 'none': p.error('outputs are written from the no-dataset situation only')
    if a.jobs < 1 or (a.write and a.jobs > 1): p.error('--jobs: 1 or more, and 1 with --write (its figures are timed alone)')
    every = sorted(f.stem for f in NBS.glob('*.ipynb'))
    names = a.notebooks or (STANDIN_CHAPTERS if a.situation == 'standin' else every)
    if missing := [n for n in names if not (NBS/f'{n}.ipynb').is_file()]: p.error(f'no notebook named {missing[0]}')
    run_dir = NBS/'flickr8k_run'  # what the Flickr8k chapter writes beside itself
    if run_dir.exists(): p.error(f'{run_dir} exists (a run of your own?): move it away first, it would be continued')
    scratch = Path(tempfile.mkdtemp(prefix='ica-runall-'))
    failed, pictures = [], {f: f.read_bytes() for f in (NBS/'images').glob('*')}  # the README's, rewritten by a Run all
    try:
        env = situation_env(a.situation, scratch)
        if a.write: train_captioners(env)
        print(f'Run all, situation "{a.situation}"' + (f', {a.jobs} notebooks at a time:' if a.jobs > 1 else ':'), flush=True)
        def report(name, seconds, error, stopped):
            if stopped and a.situation == 'standin': error = f'{name} stopped for a dataset, though the stand-in is attached'
            status = 'FAILED' if error else 'ok, stopped where it says it needs data,' if stopped else 'ok'
            print(f'  {name:16} {status} in {seconds:.0f}s', flush=True)
            if error: failed.append(name); print(error[-3000:], file=sys.stderr)
        together = [n for n in names if a.jobs > 1 and n not in ALONE]
        if together:  # each notebook in a process of its own: run() sets the environment and fd 2 of its process
            import multiprocessing as mp
            with mp.get_context('spawn').Pool(a.jobs, maxtasksperchild=1) as pool:
                for name, res in zip(together, pool.imap(_run_one, [(n, env, a.timeout) for n in together])):
                    report(name, *res)
        for name in names:
            if name not in together: report(name, *run(name, env, a.write, a.timeout))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)  # it did not exist before: this run made it
        if not a.write:  # a check leaves the committed pictures as they were
            for f, data in pictures.items(): f.write_bytes(data)
    if failed: sys.exit(f'Run all failed in: {", ".join(failed)}')


if __name__ == '__main__':
    main()
