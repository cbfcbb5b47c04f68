"""The words: the catalogue of texts in each language, and what rcsim says about simulations,
scenario runs, recordings, classes and time travel. No Textual here."""
