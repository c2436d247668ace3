"""Portfolio pages, one module per concern; they call services and selectors only."""
