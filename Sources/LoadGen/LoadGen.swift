// The LoadGen module; see README.md in this folder.
