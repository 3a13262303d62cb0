"""Language processing for Khmer, Vietnamese and English: normalisation, tokens, place names."""
