"""Looks shared by widgets across the program, in a module that imports nothing (start-up reads it)."""

ERROR_STYLE = "color: #c0392b;"  # a refusal said beside the field or in the dialog
