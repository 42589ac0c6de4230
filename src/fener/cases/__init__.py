"""Victim case management and the national referral mechanism (recommendations 2, 4, 5, 8, 9, 12, 15)."""
