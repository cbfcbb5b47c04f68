"""rcsim's data, shipped inside the package as `rcsim.data`: read it through engine/bundled.py."""
