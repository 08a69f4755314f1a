"""Pre-flight: what a variant must pass before GPU time and before a final render (market compliance, the
AI-content label, provenance; platform specs and the creative scorecard live beside them)."""
