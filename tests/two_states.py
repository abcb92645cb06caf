"""Test data shared by several test files, written for the tests: two invented states and their envoys."""

WATCHLIST = """entities:
  - name: Norland
    aliases: [Norland, Norlandic]
    speakers: [Mara Velk]
  - name: Ostavia
    aliases: [Ostavia, Ostavian]
    speakers: [Teodor Brann]
"""
