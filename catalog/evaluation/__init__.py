"""Offline evaluation of the recommender on labelled goals (``python -m catalog eval``)."""
