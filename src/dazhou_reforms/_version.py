"""The single version number of the package and of the newest data release it ships."""

__version__ = "1.1.0"
