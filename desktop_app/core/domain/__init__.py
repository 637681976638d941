"""The domain: words, values and rules of the secretaries' world (enums, fields, normalisation, masking,
periods, compliance rules). Pure Python: no database, no files."""
