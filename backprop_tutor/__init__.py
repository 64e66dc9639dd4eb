"""backprop-tutor: neural-network backpropagation, one operation at a time."""

__version__ = "0.1.0"
