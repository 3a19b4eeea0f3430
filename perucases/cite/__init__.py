"""Citations: quotes with locators, references in CSL styles, exports and verification."""
