"""Analyses shared by many rules: name resolution through imports, data flow, node helpers."""
