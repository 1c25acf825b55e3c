"""normalise: scraped news -> clean, sentence-aligned English/French parallel text.

A plain library (no Prefect import): see ARCHITECTURE.md for the stages and their APIs, and
``normalise.pipeline.run_pipeline`` to run them all in one process.
"""

__version__ = "0.1.0"
