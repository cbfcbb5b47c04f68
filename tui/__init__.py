"""rcsim's terminal app: buyer and freelancer side by side over one simulation (Textual)."""
