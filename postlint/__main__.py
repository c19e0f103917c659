"""`python -m postlint` entry point."""

from postlint.cli import main

main()
