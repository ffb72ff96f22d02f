__version__ = "0.1.0"
"Image captioning with visual attention (Show, Attend and Tell) in TensorFlow/Keras 3."
import contextlib as _contextlib, os as _os, re as _re, sys as _sys, threading as _threading
import importlib.abc as _abc, importlib.util as _util
USER_TF_LOG_LEVEL = _os.environ.get('TF_CPP_MIN_LOG_LEVEL')  # what the user set, if anything (`ica` goes quieter)
_os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')  # TensorFlow's start-up chatter hides the output that matters

# What TensorFlow prints while it loads and looks for a GPU on a machine without one, before its log level applies
# (absl's lines from before its initialisation). Only these are dropped: any other line of that time is shown.
TF_STARTUP_NOISE = _re.compile(
    r'All log messages before absl::InitializeLog|cudart_stub\.cc|cuda_platform\.cc|failed call to cuInit|'
    r'Unable to register cu(DNN|FFT|BLAS) factory|computation_placer\.cc|TF-TRT Warning|'
    r'oneDNN custom operations are on|This TensorFlow binary is optimized to use available CPU instructions|'
    r'^To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags|'
    # XLA's first compilation in a process (compiled decoding, see *Inference*)
    r'Compiled cluster using XLA|XLA service 0x[0-9a-f]+ initialized for platform|StreamExecutor device \(\d+\): Host|'
    r'disabling MLIR crash reproducer|'
    # a graph frozen for LiteRT's or ONNX's converter (see *Export*)
    r'NodeDef mentions attribute Truncate which is not in the op definition')


def _forward(read_fd, write_fd):
    "Copy lines from `read_fd` to `write_fd` as they come, less TensorFlow's start-up noise."
    with open(read_fd, 'rb', buffering=0, closefd=True) as r:
        for line in iter(r.readline, b''):
            if not TF_STARTUP_NOISE.search(line.decode(errors='replace')): _os.write(write_fd, line)


@_contextlib.contextmanager
def quiet_tensorflow_stderr():
    "While the block runs, file descriptor 2 goes through `_forward`: TensorFlow's noise dropped, any other line shown."
    for f in (_sys.stdout, _sys.stderr):
        try: f.flush()
        except Exception: pass
    try: saved = _os.dup(2)
    except OSError: saved = None  # no file descriptor 2 to borrow: the block runs as it is
    if saved is None:
        yield
        return
    r, w = _os.pipe()
    reader = _threading.Thread(target=_forward, args=(r, saved), daemon=True)
    reader.start()  # lines pass as they come (one written just before TensorFlow aborts may not)
    _os.dup2(w, 2); _os.close(w)
    try: yield
    finally:
        try: _sys.stderr.flush()  # Python's own lines of the block go out through the pipe, in order
        except Exception: pass
        _os.dup2(saved, 2)  # the pipe's last writer closes: the reader drains it and stops
        reader.join(10)
        _os.close(saved)


def _import_filtered(load, module):
    "Run TensorFlow's import, and its GPU probe where there is no GPU, with stderr through `quiet_tensorflow_stderr`."
    with quiet_tensorflow_stderr():
        load(module)
        if not _os.path.exists('/proc/driver/nvidia'):  # no NVIDIA driver: the CUDA probe prints its failure here
            try: module.config.list_physical_devices()
            except Exception: pass


class _FilteredLoader(_abc.Loader):
    "TensorFlow's own loader, its `exec_module` run through `_import_filtered`."
    def __init__(self, loader): self._loader = loader
    def create_module(self, spec): return self._loader.create_module(spec)
    def exec_module(self, module): _import_filtered(self._loader.exec_module, module)
    def __getattr__(self, name): return getattr(self._loader, name)


class _QuietTensorFlow(_abc.MetaPathFinder):
    "Finds `tensorflow` for its first import, by anyone, and loads it through `_FilteredLoader`."
    _looking = False
    def find_spec(self, name, path=None, target=None):
        if name != 'tensorflow' or self._looking or 'tensorflow' in _sys.modules: return None
        self._looking = True
        try: spec = _util.find_spec(name)  # the other finders' answer
        finally: self._looking = False
        if spec is not None and spec.loader is not None and hasattr(spec.loader, 'exec_module'):
            spec.loader = _FilteredLoader(spec.loader)
        return spec


if not any(type(f).__name__ == '_QuietTensorFlow' for f in _sys.meta_path):  # once, also across reloads
    _sys.meta_path.insert(0, _QuietTensorFlow())
