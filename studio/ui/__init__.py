"""The desktop app: PySide6 windows, Qt models and the one Qt adapter over the job queue.

The only package (with `studio/app.py`) that imports Qt. Heavy stages are imported inside job functions, never here.
"""
