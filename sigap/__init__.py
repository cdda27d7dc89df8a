"""Sigap: a Cepat Respon Masyarakat (citizen report) platform for Indonesian cities."""

__version__ = "0.1.0"
