// The Runners module; see README.md in this folder.
