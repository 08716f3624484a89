"""Findings (temuan): concrete shortcomings to fix, their evidence and their verification."""
