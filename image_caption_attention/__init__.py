__version__ = "0.1.0"
"Image captioning with visual attention (Show, Attend and Tell) in TensorFlow/Keras 3."
import os as _os, re as _re, sys as _sys
import importlib.abc as _abc, importlib.util as _util
USER_TF_LOG_LEVEL = _os.environ.get('TF_CPP_MIN_LOG_LEVEL')  # what the user set, if anything (`ica` goes quieter)
_os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')  # TensorFlow's start-up chatter hides the output that matters

# What TensorFlow prints while it loads and looks for a GPU on a machine without one, before its log level applies
# (absl's lines from before its initialisation). Only these are dropped: any other line of that time is shown.
TF_STARTUP_NOISE = _re.compile(
    r'All log messages before absl::InitializeLog|cudart_stub|cuda_platform|cuInit|cuda_(dnn|fft|blas)|'
    r'Unable to register cu(DNN|FFT|BLAS) factory|computation_placer|TF-TRT Warning|'
    r'oneDNN custom operations are on|cpu_feature_guard|^To enable the following instructions')


def _import_filtered(load, module):
    "Run TensorFlow's import and its GPU probe with file descriptor 2 captured; show the lines that are not noise."
    import tempfile
    try: _sys.stderr.flush()
    except Exception: pass
    try: saved, captured = _os.dup(2), tempfile.TemporaryFile()
    except OSError: return load(module)  # no file descriptor 2 to borrow: load as it is
    _os.dup2(captured.fileno(), 2)
    try:
        load(module)
        try: module.config.list_physical_devices()  # the CUDA probe prints here, not at import
        except Exception: pass
    finally:
        _os.dup2(saved, 2); _os.close(saved)
        captured.seek(0)
        kept = [l for l in captured.read().decode(errors='replace').splitlines(True) if not TF_STARTUP_NOISE.search(l)]
        captured.close()
        if kept: _sys.stderr.write(''.join(kept)); _sys.stderr.flush()


class _QuietTensorFlow(_abc.MetaPathFinder):
    "Finds `tensorflow` the first time it is imported, by anyone, and loads it through `_import_filtered`."
    def find_spec(self, name, path=None, target=None):
        if name != 'tensorflow': return None
        _sys.meta_path.remove(self)
        spec = _util.find_spec(name)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, 'exec_module'):
            load = spec.loader.exec_module
            spec.loader.exec_module = lambda module: _import_filtered(load, module)
        return spec


if 'tensorflow' not in _sys.modules and not any(isinstance(f, _QuietTensorFlow) for f in _sys.meta_path):
    _sys.meta_path.insert(0, _QuietTensorFlow())
