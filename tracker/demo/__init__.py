"""Demo data from the seed articles, plus invented pacts (flagged as demo) for every status."""
