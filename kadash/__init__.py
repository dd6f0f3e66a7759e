"""kadash: key-account analytics — concentration, Pareto curves and customer tiers.

The package is the product's computation: pure functions over DataFrames and arrays, with no
Streamlit import. The data flows one way::

    bytes ─ load.read_cells ─▶ cells as text (with line numbers)
          ─ parse.parse_transactions ─▶ typed lines + rejected lines with reasons
          ─ customers.summarize_customers ─▶ one row per customer
          ─ concentration / tiers ─▶ Pareto, Gini, HHI, tiers
          ─ figures / export ─▶ plotly figures, CSV downloads
"""

__version__ = "0.1.0"
