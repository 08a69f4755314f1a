"""Pre-flight rules, applied before GPU time and before a final render: market compliance (compliance.py), the
AI-content label (labels.py) and provenance (provenance.py), platform specs (platforms.py). Measuring a finished
render (the scorecard) and the `qianmian check` report are in studio/check."""
