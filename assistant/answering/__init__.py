"""Answering, one module per step: ``question`` (analysis) → ``candidates`` (sentences of the
retrieved passages) → ``features`` → ``model`` (ranking, calibrated confidence, bands) →
``compose`` (the cited sentences); ``extractive`` runs them in order. ``nlp`` is the Finnish
analysis, ``patterns``, ``checks`` and ``vocabulary`` the language knowledge the features use.
"""
