__version__ = "0.1.0"
"Image captioning with visual attention (Show, Attend and Tell) in TensorFlow/Keras 3."
import os as _os
USER_TF_LOG_LEVEL = _os.environ.get('TF_CPP_MIN_LOG_LEVEL')  # what the user set, if anything (`ica` goes quieter)
_os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')  # TensorFlow's start-up chatter hides the output that matters
