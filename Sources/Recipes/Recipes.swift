// The Recipes module; see README.md in this folder.
