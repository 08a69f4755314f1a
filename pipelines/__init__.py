"""Model-backed generators: images, voices and text. Heavy libraries load lazily, inside the backends."""
