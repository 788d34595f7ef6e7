"""Model files: the registry of classifiers and their loading for inference."""
