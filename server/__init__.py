"""vetline's front ends: the command line, the language server and configuration.

The only package that imports pygls/lsprotocol; it depends on `vetline.rules`, never the reverse.
"""
