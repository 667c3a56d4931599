"""Answers: extractive quotes, the abstention decision, question analysis, generation and its verification."""
