"""Rendering: text layout, burned-in captions, subtitle sidecars and the cut of each variant."""
