"""Summarize: meeting minutes from a speaker-attributed transcript."""
