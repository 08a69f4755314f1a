"""Image-to-video from local diffusers folders (Wan 2.x, LTX-Video). Torch-free at import: the generator imports
torch and diffusers only when a clip is made."""
