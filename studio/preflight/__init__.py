"""Pre-flight: what to check before GPU time and before a final render (market compliance, the AI-content label
and provenance, platform specs, the creative scorecard); `qianmian check` prints it all (studio/preflight/check.py)."""
