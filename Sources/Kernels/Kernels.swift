// The Kernels module; see README.md in this folder.
