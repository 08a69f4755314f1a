"""Qianmian Studio (千面): one campaign, many localized variants."""

__version__ = "0.1.0"
