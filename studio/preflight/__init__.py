"""Pre-flight: what to check before GPU time and before a final render (compliance, platform specs, scorecard)."""
