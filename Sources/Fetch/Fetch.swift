// The Fetch module; see README.md in this folder.
