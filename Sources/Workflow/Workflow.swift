// The Workflow module; see README.md in this folder.
