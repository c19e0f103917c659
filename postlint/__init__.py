"""postlint: a linter and pre-publish checker for social-media post drafts."""

__version__ = "0.1.0"
