"""Learning: training the classifiers and scoring against gold."""
