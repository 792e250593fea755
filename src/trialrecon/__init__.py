"""trialrecon: reproducible statistical reanalysis of published clinical trial reports."""

__version__ = "0.1.0"
