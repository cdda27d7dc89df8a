"""Triage helpers: suggest a report's category from its text.

``sigap.triage.categorizer.Categorizer`` (TF-IDF + temperature-scaled logistic regression over the text
normalized by ``sigap.triage.normalize``) is pure Python and scikit-learn: no Django import here, so a thin
module elsewhere can connect it to the database (officer-confirmed categories → ``Categorizer.retrain``).
Nothing is imported eagerly: ``import sigap.triage`` stays cheap for code that does not use the model.
"""
