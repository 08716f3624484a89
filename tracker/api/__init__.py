"""The JSON API, version 1: the same queries and services as the pages."""
